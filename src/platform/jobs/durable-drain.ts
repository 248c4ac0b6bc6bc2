import type { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock/clock';
import type { AppLogger } from '../logging/app-logger';
import type { ClaimedJob, JobQueue } from './job-queue';

/** What came of one claimed job: finished (its row goes away), or to be taken again later for a stated reason. */
export type JobOutcome = { readonly done: true } | { readonly retryInMs: number; readonly reason: string };

export const JOB_DONE: JobOutcome = { done: true };

export interface DurableDrainOptions {
  /** The job queue's name (platform/jobs). */
  readonly queue: string;
  /** Names the tick's interval and the drain in logs. */
  readonly name: string;
  readonly leaseMs: number;
  /** How often every replica looks for jobs left by a crash or due again. */
  readonly tickMs: number;
  /** A job whose handler threw is taken again this much later, with `failedReason` as its error code. */
  readonly retryFailedMs: number;
  readonly failedReason: string;
  /** Off when the scheduler is off (tests and one-shot commands drain by hand). */
  readonly tick: boolean;
}

/**
 * The skeleton every durable background worker shares: a tick that looks for due jobs, a `kick` that starts a
 * drain now (after the commit that queued work), one drain at a time per process (a kick while draining makes
 * the drain look again), jobs claimed under a lease (one worker holds a job; a crashed worker's job is claimed
 * again when its lease lapses), and a handler's failure turned into a later retry with an error code, never
 * data. What a job does is the handler's.
 */
export class DurableDrain {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly options: DurableDrainOptions,
    private readonly jobs: JobQueue,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    private readonly handle: (job: ClaimedJob) => Promise<JobOutcome>,
  ) {}

  start(): void {
    if (!this.options.tick) return;
    this.registry.addInterval(
      this.options.name,
      setInterval(() => this.kick(), this.options.tickMs),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', this.options.name)) this.registry.deleteInterval(this.options.name);
    await this.running?.catch(() => undefined);
  }

  /** Starts draining now (in the background); a kick while draining makes the drain look again. */
  kick(): void {
    if (this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain().catch((err) => this.logger.error(`${this.options.name} drain failed`, { err }));
      } while (this.again && !this.stopping);
    })().finally(() => (this.running = null));
  }

  /** Resolves when no drain is running (tests wait on it, then on the database). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Takes due jobs until none is left. Returns how many finished. */
  async drain(): Promise<number> {
    let finished = 0;
    while (!this.stopping) {
      const job = await this.jobs.claim(this.options.queue, this.owner, this.options.leaseMs);
      if (!job) break;
      let outcome: JobOutcome;
      try {
        outcome = await this.handle(job);
      } catch (err) {
        this.logger.error(`${this.options.name} job failed; will retry`, { jobId: job.jobId, err });
        outcome = { retryInMs: this.options.retryFailedMs, reason: this.options.failedReason };
      }
      if ('done' in outcome) {
        await this.jobs.complete(job);
        finished++;
      } else {
        await this.jobs.retryLater(job, new Date(this.clock.nowMs() + outcome.retryInMs), outcome.reason);
      }
    }
    return finished;
  }

  /** Extends the job's lease (call before each batch of a long job). */
  renew(job: ClaimedJob): Promise<void> {
    return this.jobs.renew(job, this.options.leaseMs);
  }
}

/**
 * A Nest provider that runs a `DurableDrain`: its tick starts with the application and its drain is waited for at
 * shutdown. Subclasses build `runner` in their constructor with their queue's options and handler.
 */
export abstract class DurableWorker {
  protected abstract readonly runner: DurableDrain;

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runner.stop();
  }

  /** Starts draining now (after the commit that queued work); a kick while draining makes the drain look again. */
  kick(): void {
    this.runner.kick();
  }

  /** Resolves when no drain is running (tests wait on it, then on the database). */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Takes due jobs until none is left (one-shot commands run their job to the end this way). Returns how many. */
  drain(): Promise<number> {
    return this.runner.drain();
  }
}
