import type { INestApplicationContext } from '@nestjs/common';
import type { Command, Option } from 'commander';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import type { EndpointView, EndpointWithSecretView } from '../delivery/endpoints/endpoint.mapper';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import { PAYLOAD_MODES, type PayloadMode } from '../delivery/payload-modes';
import type { ReplayView } from '../delivery/replay/delivery-replay.mapper';
import { DeliveryReplayWorker } from '../delivery/replay/delivery-replay.worker';
import { DeliveryReplaysService } from '../delivery/replay/delivery-replays.service';
import { parseInstant } from '../platform/validation/instant';
import { isUuid } from '../platform/validation/uuid';
import { withAppContext } from './app-context';
import { endpointEnabledText, setEndpointEnabled } from './delivery-commands';
import { emit, table, UsageError } from './output';

export interface EndpointAddOptions {
  tenant: string;
  url: string;
  description?: string;
  eventTypes?: string;
  payloadMode?: string;
}

/** Operator commands act on the seller's behalf and are logged as `cli:endpoint-…`. */
const by = (what: string) => cliActor(`endpoint-${what}`);

function tenantId(tenant: string): string {
  if (!isUuid(tenant)) throw new UsageError('--tenant must be a tenant id (uuid)');
  return tenant;
}

function payloadMode(mode: string | undefined): PayloadMode | undefined {
  if (mode === undefined) return undefined;
  if (!(PAYLOAD_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--payload-mode must be one of ${PAYLOAD_MODES.join(', ')}`);
  }
  return mode as PayloadMode;
}

export async function endpointAdd(
  app: INestApplicationContext,
  o: EndpointAddOptions,
): Promise<EndpointWithSecretView> {
  const eventTypes = o.eventTypes
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return app.get(EndpointsService).create(by('add'), tenantId(o.tenant), {
    url: o.url,
    description: o.description,
    eventTypes,
    payloadMode: payloadMode(o.payloadMode),
  });
}

export async function endpointList(app: INestApplicationContext, tenant: string): Promise<EndpointView[]> {
  return app.get(EndpointsService).list(tenantId(tenant), 'owner');
}

async function owned(app: INestApplicationContext, endpointId: string): Promise<string> {
  return app.get(EndpointsService).tenantOf(endpointId);
}

export async function endpointRotate(
  app: INestApplicationContext,
  endpointId: string,
  overlapSeconds?: number,
): Promise<EndpointWithSecretView> {
  const t = await owned(app, endpointId);
  return app.get(EndpointsService).rotateSecret(by('rotate-secret'), t, endpointId, overlapSeconds);
}

export async function endpointReplay(
  app: INestApplicationContext,
  endpointId: string,
  sinceText: string,
): Promise<ReplayView> {
  const since = parseInstant(sinceText);
  if (!since) throw new UsageError('--since must be an ISO-8601 instant such as 2026-12-01T00:00:00Z');
  const t = await owned(app, endpointId);
  const replays = app.get(DeliveryReplaysService);
  const started = await replays.start(cliActor('replay'), t, endpointId, since);
  // A command's process ends with it: the replay is run to the end here rather than left to the background.
  const worker = app.get(DeliveryReplayWorker);
  await worker.idle();
  await worker.drain();
  return replays.get(t, started.replayId);
}

const row = (e: EndpointView) => ({
  endpoint: e.endpointId,
  url: e.url,
  mode: e.payloadMode,
  events: e.eventTypes.length ? e.eventTypes.join(',') : 'all order events',
  enabled: e.enabled ? 'yes' : `no (${e.disabledReason ?? '?'})`,
  failingSince: e.failingSince,
});

/**
 * `ordervault endpoint add|list|rotate-secret|disable|enable` and `ordervault replay`: a seller's webhook
 * endpoints from the server's machine, through the same service as `/v1/endpoints` (same checks, same
 * access-log entries). A signing secret is printed once, at `add` and `rotate-secret`.
 */
export function registerEndpointCommands(program: Command, cfg: () => AppConfig, json: () => Option): void {
  const endpoint = program.command('endpoint').description("a seller's webhook endpoints");
  endpoint
    .command('add')
    .description('add an endpoint; prints its signing secret once')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--url <url>', 'https:// URL of the receiver')
    .option('--description <text>', 'what it is')
    .option('--event-types <list>', 'comma-separated event types (default: every order event)')
    .option('--payload-mode <mode>', `one of ${PAYLOAD_MODES.join(', ')} (default thin)`)
    .addOption(json())
    .action(async (o: EndpointAddOptions & { json?: boolean }) => {
      const e = await withAppContext(cfg(), (app) => endpointAdd(app, o));
      emit(!!o.json, e, () => `${table([row(e)])}\nsigning secret (shown once, store it now): ${e.secret}`);
    });
  endpoint
    .command('list')
    .description("a tenant's endpoints")
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(json())
    .action(async (o: { tenant: string; json?: boolean }) => {
      const list = await withAppContext(cfg(), (app) => endpointList(app, o.tenant));
      emit(!!o.json, list, () => (list.length ? table(list.map(row)) : 'no endpoints'));
    });
  endpoint
    .command('rotate-secret')
    .description('a new signing secret, printed once; the previous one keeps signing for the overlap')
    .requiredOption('--endpoint <id>', 'endpoint id')
    .option('--overlap-seconds <n>', 'how long the previous secret still signs (default 86400, at most 604800)', Number)
    .addOption(json())
    .action(async (o: { endpoint: string; overlapSeconds?: number; json?: boolean }) => {
      const e = await withAppContext(cfg(), (app) => endpointRotate(app, o.endpoint, o.overlapSeconds));
      emit(
        !!o.json,
        e,
        () =>
          `new signing secret (shown once, store it now): ${e.secret}\nthe previous one signs until ${e.previousSecretsExpireAt}`,
      );
    });
  for (const enabled of [false, true]) {
    endpoint
      .command(enabled ? 'enable' : 'disable')
      .description(
        enabled
          ? 'send to it again; prints what it missed while disabled and how to recover it'
          : 'stop sending to it (deliveries wait)',
      )
      .requiredOption('--endpoint <id>', 'endpoint id')
      .addOption(json())
      .action(async (o: { endpoint: string; json?: boolean }) => {
        const e = await withAppContext(cfg(), (app) => setEndpointEnabled(app, o.endpoint, enabled));
        emit(!!o.json, e, () => endpointEnabledText(e));
      });
  }
  program
    .command('replay')
    .description(
      'recover an endpoint since an instant: its failed and given-up deliveries are sent again, the events it never got are queued',
    )
    .requiredOption('--endpoint <id>', 'endpoint id')
    .requiredOption('--since <instant>', 'ISO-8601 instant')
    .addOption(json())
    .action(async (o: { endpoint: string; since: string; json?: boolean }) => {
      const r = await withAppContext(cfg(), (app) => endpointReplay(app, o.endpoint, o.since));
      emit(
        !!o.json,
        r,
        () =>
          `replay ${r.replayId} ${r.status}: ${r.replayed} delivery(ies) due again now, ${r.queued} event(s) queued`,
      );
    });
}
