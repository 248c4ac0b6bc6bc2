import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { DeliveryPreparer, type PreparedDelivery } from './delivery-preparer';
import { DeliveryRecorder, type AttemptRecord, type RecordedOutcome } from './delivery-recorder';
import { MAX_PACED_LATENESS_MS, PACING_HORIZON_MS, reserveSendTime } from './rate-pacing';
import { WebhookClient } from './webhook-client';

/** A lease outlives the send's deadline by this much; a dispatcher that dies loses it after that. */
export const LEASE_MARGIN_MS = 30_000;

export interface DispatchSummary {
  readonly claimed: number;
  readonly succeeded: number;
  readonly retrying: number;
  readonly givenUp: number;
  /** Handed back untried (endpoint disabled or deleted meanwhile, or a paced send too late for its slot). */
  readonly released: number;
  /** Answers that came after the lease was lost (another dispatcher sent it again). */
  readonly uncounted: number;
  readonly endpointsDisabled: number;
}

const EMPTY: DispatchSummary = {
  claimed: 0,
  succeeded: 0,
  retrying: 0,
  givenUp: 0,
  released: 0,
  uncounted: 0,
  endpointsDisabled: 0,
};

/**
 * Sends due deliveries. A pass claims a batch (`FOR UPDATE SKIP LOCKED`, first
 * in its (endpoint, order) queue, within the endpoint's concurrency cap across
 * every dispatcher) under a lease, prepares each tenant's share in a
 * transaction that commits before any byte leaves, sends with no transaction
 * open, and records the outcomes through the lease token.
 */
@Injectable()
export class Dispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly preparer: DeliveryPreparer,
    private readonly recorder: DeliveryRecorder,
    private readonly client: WebhookClient,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Claims a batch of due deliveries under a fresh lease. */
  claim(limit = this.config.delivery.batchSize): Promise<ClaimedDelivery[]> {
    return this.tx.run(async (tx) => {
      const now = this.clock.now();
      const cap = this.config.delivery.concurrencyPerEndpoint;
      const due = await this.deliveries.lockDue(tx, now, limit * 4, Math.min(cap, limit));
      if (!due.length) return [];
      const inFlight = await this.deliveries.lockEndpointsAndCountInFlight(
        tx,
        due.map((d) => d.endpoint_id),
        now,
      );
      const pacing = await this.deliveries.pacingOf(
        tx,
        due.map((d) => d.endpoint_id),
      );
      const taken: typeof due = [];
      const sendAt = new Map<string, Date>();
      for (const row of due) {
        if (taken.length >= limit) break;
        const n = inFlight.get(row.endpoint_id) ?? 0;
        if (n >= cap) continue;
        const paced = pacing.get(row.endpoint_id);
        if (paced) {
          // Over the endpoint's rate: left queued for a later pass (nothing lost, order kept).
          const at = reserveSendTime(paced, now.getTime());
          if (at === null) continue;
          sendAt.set(row.delivery_id, new Date(at));
        }
        inFlight.set(row.endpoint_id, n + 1);
        taken.push(row);
      }
      await this.deliveries.savePacing(tx, pacing);
      // A paced send may wait up to the horizon before it starts: its lease covers the wait.
      const wait = sendAt.size ? PACING_HORIZON_MS : 0;
      const until = new Date(now.getTime() + wait + this.config.delivery.timeoutMs + LEASE_MARGIN_MS);
      const claimed = await this.deliveries.lease(tx, taken, randomUUID(), this.owner, until);
      return claimed.map((d) => (sendAt.has(d.deliveryId) ? { ...d, sendAt: sendAt.get(d.deliveryId) } : d));
    });
  }

  /** One pass: claim, prepare, send, record. */
  async dispatchOnce(): Promise<DispatchSummary> {
    const claimed = await this.claim();
    if (!claimed.length) return EMPTY;
    return this.sendClaimed(claimed);
  }

  /**
   * Passes until nothing is due now (or `maxPasses` ran), in `DELIVERY_LANES` lanes at once: claims are SKIP LOCKED,
   * first-in-queue and capped per endpoint under the endpoint's row lock, so lanes share the work like separate
   * dispatchers do and never break an order's queue or an endpoint's cap.
   */
  async dispatchAllDue(maxPasses = 1000): Promise<DispatchSummary> {
    let total = EMPTY;
    let passes = 0;
    const lane = async () => {
      while (passes < maxPasses) {
        passes++;
        const s = await this.dispatchOnce();
        if (!s.claimed) return;
        total = add(total, s);
      }
    };
    await Promise.all(Array.from({ length: this.config.delivery.lanes }, lane));
    return total;
  }

  /** Sends deliveries already claimed (exposed so a test can hold a claim and let it lapse). */
  async sendClaimed(claimed: readonly ClaimedDelivery[]): Promise<DispatchSummary> {
    const byTenant = new Map<string, ClaimedDelivery[]>();
    for (const d of claimed) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
    const results = await Promise.all([...byTenant].map(([tenantId, batch]) => this.sendTenant(tenantId, batch)));
    return results.reduce(add, { ...EMPTY, claimed: claimed.length });
  }

  private async sendTenant(tenantId: string, batch: ClaimedDelivery[]): Promise<DispatchSummary> {
    let prepared: PreparedDelivery[];
    try {
      prepared = await this.preparer.prepare(tenantId, batch);
    } catch (err) {
      // Nothing was sent (the entry did not commit): each delivery counts a failed attempt and retries.
      this.logger.error('delivery batch could not be prepared', { tenantId, error: errorName(err) });
      const at = this.clock.now();
      return summarise(
        await this.recorder.record(
          tenantId,
          batch.map((delivery) => failed(delivery, at, 'internal')),
        ),
        0,
      );
    }
    const records: AttemptRecord[] = [];
    let released = 0;
    await Promise.all(
      prepared.map(async (p) => {
        if ('unsendable' in p) {
          if (p.unsendable === 'endpoint_gone') {
            released++;
            await this.tx.run((tx) => this.deliveries.release(tx, p.delivery));
          } else records.push(failed(p.delivery, this.clock.now(), p.unsendable));
          return;
        }
        if (p.delivery.sendAt) {
          await this.until(p.delivery.sendAt);
          if (this.clock.nowMs() - p.delivery.sendAt.getTime() > MAX_PACED_LATENESS_MS) {
            // Too late for its slot: sending now could crowd the next one. Handed back, re-paced later.
            released++;
            await this.tx.run((tx) => this.deliveries.release(tx, p.delivery));
            return;
          }
        }
        const attemptedAt = this.clock.now();
        const outcome = await this.client.send({ url: p.url, body: p.body, headers: p.headers });
        records.push({ delivery: p.delivery, attemptedAt, ...outcome });
      }),
    );
    const outcomes = records.length ? await this.recorder.record(tenantId, records) : [];
    return summarise(outcomes, released);
  }

  /** Waits for a reserved send time (at most the pacing horizon). */
  private async until(at: Date): Promise<void> {
    const ms = Math.min(at.getTime() - this.clock.nowMs(), PACING_HORIZON_MS);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function failed(delivery: ClaimedDelivery, at: Date, result: AttemptRecord['result']): AttemptRecord {
  return { delivery, attemptedAt: at, result, statusCode: null, latencyMs: 0, retryAfterMs: null, responseHead: null };
}

function summarise(outcomes: readonly RecordedOutcome[], released: number): DispatchSummary {
  const counted = outcomes.filter((o) => o.counted);
  return {
    claimed: 0,
    succeeded: counted.filter((o) => o.status === 'succeeded').length,
    retrying: counted.filter((o) => o.status === 'failed_retrying').length,
    givenUp: counted.filter((o) => o.status === 'given_up').length,
    released,
    uncounted: outcomes.length - counted.length,
    endpointsDisabled: new Set(counted.filter((o) => o.endpointDisabled).map((o) => o.deliveryId)).size,
  };
}

function add(a: DispatchSummary, b: DispatchSummary): DispatchSummary {
  return {
    claimed: a.claimed + b.claimed,
    succeeded: a.succeeded + b.succeeded,
    retrying: a.retrying + b.retrying,
    givenUp: a.givenUp + b.givenUp,
    released: a.released + b.released,
    uncounted: a.uncounted + b.uncounted,
    endpointsDisabled: a.endpointsDisabled + b.endpointsDisabled,
  };
}

const errorName = (err: unknown) => (err instanceof Error ? ((err as { code?: string }).code ?? err.name) : 'error');
