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
 * The dispatcher's own loop (not the sync scheduler's tick): fan out a batch,
 * claim what is due if there is room (sends go on beside the loop), again while
 * either came full, then sleep until woken (a commit, settled deliveries) or the
 * poll interval passes. On a PostgreSQL server it LISTENs for the outbox's
 * commit notifications, so a committed order is on its way within
 * milliseconds; on embedded PGlite it polls. Every replica may run it: claims
 * are SKIP LOCKED with leases. Off with the scheduler.
 */
@Injectable()
export class DispatchLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private running = false;
  private done: Promise<void> = Promise.resolve();
  private pendingWake = false;
  private sleeper: (() => void) | null = null;
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
    this.stopSettleWakes = this.dispatcher.onSettled(() => this.nudge());
    await this.listen();
    this.done = this.run();
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
    this.pendingWake = true;
    this.sleeper?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      try {
        // A fan-out batch before every claim: a burst's first deliveries go while the rest is fanned out, and
        // endpoints with long backlogs, claimed again as their deliveries settle, never keep new events waiting.
        for (;;) {
          const fanned = await this.fanOut.fanOutBatch();
          const claimedFull = this.running && (await this.claimOnce());
          if ((fanned.events < FAN_OUT_BATCH && !claimedFull) || !this.running) break;
        }
      } catch (err) {
        this.logger.error('delivery pass failed', {
          error: (err as Error).name,
          code: (err as { code?: string }).code,
        });
      }
      if (!this.running) break;
      if (!this.listener && this.target.kind === 'server') await this.listen();
      if (this.pendingWake) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.delivery.pollMs);
        this.sleeper = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.sleeper = null;
    }
  }
}
