import type { Principal } from './principal';

/**
 * Who performs an audited action, and in which request. Every audited service
 * method takes it as its first parameter, with no default: controllers get it
 * from `@Actor()`, the CLI from `cliActor`, jobs from `jobActor`. A seller's or
 * staff member's principal keeps the id of the key the request used.
 */
export interface ActorContext {
  readonly actor: Principal;
  /** The request id (echoed in `x-request-id`); null outside HTTP. */
  readonly requestId: string | null;
}

/** A system actor: a job, a command, or a callback that proves itself (OAuth state). */
export const systemActor = (id: string, requestId: string | null): ActorContext => ({
  actor: { kind: 'system', id },
  requestId,
});

/** An operator command (`cli:tenant-create`). */
export const cliActor = (command: string): ActorContext =>
  systemActor(`cli:${command.trim().replace(/\s+/g, '-')}`, null);

/** A scheduled or queued job (`job:retention-sweep`). */
export const jobActor = (name: string): ActorContext => systemActor(`job:${name}`, null);
