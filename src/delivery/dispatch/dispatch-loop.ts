import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { DatabaseTarget } from '../../platform/database/database-target';
import {
  listenForNotifications,
  OUTBOX_CHANNEL,
  type NotificationListener,
} from '../../platform/database/notifications';
import { AppLogger } from '../../platform/logging/app-logger';
import { DATABASE_TARGET } from '../../platform/platform.module';
import { DispatchWake } from './dispatch-wake';
import { Dispatcher } from './dispatcher.service';
import { FAN_OUT_BATCH, FanOutService } from './fan-out.service';

/**
 * The dispatcher's own loop (not the sync scheduler's tick), as two that run
 * side by side: one fans out committed events batch by batch, the other claims
 * what is due while there is room (sends go on beside it); each sleeps until
 * woken (a commit, fanned-out events, settled deliveries) or the poll interval
 * passes. On a PostgreSQL server it LISTENs for the outbox's commit
 * notifications, so a committed order is on its way within milliseconds; on
 * embedded PGlite it polls. Every replica may run it: claims are SKIP LOCKED
 * with leases. Off with the scheduler.
 */
@Injectable()
export class DispatchLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private done: Promise<void> = Promise.resolve();
  /** Fanning out: woken by commits (NOTIFY) and pings. */
  private readonly fanning = new Wakeable();
  /** Claiming: woken by commits, fanned-out events, settled deliveries and pings. */
  private readonly claiming = new Wakeable();
  private listener: NotificationListener | null = null;
  /** Claims being sent, awaited by `stop`. */
  private readonly claims = new Set<Promise<void>>();
  private stopSettleWakes: (() => void) | null = null;

  constructor(
    private readonly fanOut: FanOutService,
    private readonly dispatcher: Dispatcher,
    private readonly wake: DispatchWake,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_TARGET) private readonly target: DatabaseTarget,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.delivery.loopEnabled) await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.wake.onWake(() => this.nudge());
    this.stopSettleWakes = this.dispatcher.onSettled(() => this.claiming.wake());
    await this.listen();
    this.done = Promise.all([this.fanOutWhileRunning(), this.claimWhileRunning()]).then(() => undefined);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake.onWake(null);
    this.stopSettleWakes?.();
    this.stopSettleWakes = null;
    this.nudge();
    await this.done;
    // Nothing more is claimed; what was claimed is sent and its outcomes recorded before the loop is stopped.
    await Promise.all([...this.claims]);
    await this.listener?.close();
    this.listener = null;
  }

  private async listen(): Promise<void> {
    try {
      this.listener = await listenForNotifications(
        this.target,
        OUTBOX_CHANNEL,
        () => this.nudge(),
        () => {
          this.listener = null;
          this.logger.warn('delivery notifications lost; polling until they are back');
        },
      );
    } catch (err) {
      this.logger.warn('delivery notifications unavailable; polling', { error: (err as Error).name });
    }
  }

  /**
   * One claim, if there is room (`Dispatcher.freeCapacity`) and something is due, whose sends go on without the loop
   * waiting for them: a receiver that hangs until its timeout keeps its own deliveries' share, never the loop nor
   * the rest of its claim's. Resolves whether the claim came full (more may be due).
   */
  private async claimOnce(): Promise<boolean> {
    if (this.dispatcher.freeCapacity() <= 0) return false;
    const claim = await this.dispatcher.claimAndSend();
    if (!claim) return false;
    const sending: Promise<void> = claim.sent
      .then(
        () => undefined,
        (err: unknown) =>
          this.logger.error('delivery claim failed', {
            error: (err as Error).name,
            code: (err as { code?: string }).code,
          }),
      )
      .finally(() => this.claims.delete(sending));
    this.claims.add(sending);
    return claim.full;
  }

  private nudge(): void {
    this.fanning.wake();
    this.claiming.wake();
  }

  /**
   * Fans out batch by batch while batches come full, telling the claimer as soon as a batch is in (a burst's first
   * deliveries go while the rest is fanned out), then sleeps until woken or the poll interval passes.
   */
  private async fanOutWhileRunning(): Promise<void> {
    while (this.running) {
      this.fanning.pending = false;
      try {
        for (;;) {
          const fanned = await this.fanOut.fanOutBatch();
          if (fanned.deliveries) this.claiming.wake();
          if (fanned.events < FAN_OUT_BATCH || !this.running) break;
        }
      } catch (err) {
        this.logger.error('delivery fan-out failed', {
          error: (err as Error).name,
          code: (err as { code?: string }).code,
        });
      }
      if (!this.running) break;
      if (!this.listener && this.target.kind === 'server') await this.listen();
      await this.fanning.sleep(this.config.delivery.pollMs);
    }
  }

  /**
   * Claims while claims come full and there is room, then sleeps until woken or the poll interval passes. Apart
   * from fanning out: neither waits for the other's statements, and endpoints with long backlogs, claimed again as
   * their deliveries settle, never keep new events from being fanned out.
   */
  private async claimWhileRunning(): Promise<void> {
    while (this.running) {
      this.claiming.pending = false;
      try {
        while (this.running && (await this.claimOnce()));
      } catch (err) {
        this.logger.error('delivery claim failed', {
          error: (err as Error).name,
          code: (err as { code?: string }).code,
        });
      }
      if (!this.running) break;
      await this.claiming.sleep(this.config.delivery.pollMs);
    }
  }
}

/** A wake-up flag for a loop that sleeps: a wake while it is busy makes its next sleep return at once. */
class Wakeable {
  pending = false;
  private sleeper: (() => void) | null = null;

  wake(): void {
    this.pending = true;
    this.sleeper?.();
  }

  async sleep(ms: number): Promise<void> {
    if (this.pending) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.sleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.sleeper = null;
  }
}
