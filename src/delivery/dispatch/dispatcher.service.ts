import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { AppLogger } from '../../platform/logging/app-logger';
import { DeliveriesRepository, type ClaimedDelivery, type ClaimRow } from './deliveries.repository';
import { DeliveryPreparer, type PreparedDelivery } from './delivery-preparer';
import { DeliveryRecorder, type AttemptRecord, type RecordedOutcome } from './delivery-recorder';
import { MAX_PACED_LATENESS_MS, PACING_HORIZON_MS, reserveSendTime, type PacingState } from './rate-pacing';
import { SendSlots } from './send-slots';
import { WebhookClient } from './webhook-client';

/**
 * A lease outlives the send's deadline by this much (or by the deadline again, if that is longer: a delivery may
 * wait for a send slot while the batch before it is on the wire); a dispatcher that dies loses it after that.
 */
export const LEASE_MARGIN_MS = 30_000;

/**
 * An endpoint's deliveries one dispatcher may hold under lease, in multiples of its concurrency cap: the batch on
 * the wire and the next, claimed and prepared meanwhile, so the endpoint's sends do not pause while the dispatcher
 * claims, prepares and records. At most the cap of them is sent at once (`SendSlots`), and only the dispatcher
 * holding the endpoint claims more of its deliveries, so the cap still holds at the receiver across replicas.
 */
export const LEASE_DEPTH = 2;

/** Outcomes written per record transaction at most. */
const MAX_RECORD_BATCH = 1000;

/**
 * While requests are still on the wire, an outcome waits at most this long for others to share its record
 * statement. Without it, answers that arrive a little apart each take a statement of their own (a receiver answering
 * in 20 ms, `bench deliver`: 1,206 record statements for 3,000 webhooks without it, 609 with it). When nothing else
 * is on the wire the outcome is written at once. It delays only the record (and so the next version of the
 * same order), never a send.
 */
export const RECORD_LINGER_MS = 5;

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
  private readonly recordQueue: Array<{
    record: AttemptRecord;
    resolve: (outcome: RecordedOutcome | null) => void;
  }> = [];
  private flushing = false;
  private lingering: NodeJS.Timeout | null = null;
  /** Requests this dispatcher has on the wire now. */
  private onTheWire = 0;
  /**
   * Deliveries this dispatcher holds: claimed and not yet settled (outcome recorded or handed back), and those a
   * claim being made may take. At most `DELIVERY_LANES` × `DELIVERY_BATCH_SIZE`. Each delivery gives its share back
   * when it settles, not when its whole claim does: a receiver that hangs holds its own deliveries, never the rest
   * of its claim's share.
   */
  private held = 0;
  /** Counts settles, so a caller can tell whether any happened while it was claiming. */
  private settles = 0;
  private settleNotice: NodeJS.Immediate | null = null;
  private readonly settleListeners = new Set<() => void>();
  private readonly slots: SendSlots;
  /**
   * The leases this dispatcher holds, by endpoint (delivery id → when its lease lapses): from the claim that took
   * them (counted before it commits, so a claim of the same endpoint in this process waiting for its lock sees
   * them) until they settle. An endpoint's count is what `LEASE_DEPTH` limits; once none is left the endpoint's
   * hold is given up (`releaseIdleHolds`). Leases never sent (a claim a test lets lapse) stop counting when they lapse.
   */
  private readonly leases = new Map<string, Map<string, number>>();
  /** The claim count of the last claim of each endpoint this dispatcher made (`DeliveriesRepository.lease`). */
  private readonly holdSeqs = new Map<string, string>();

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly preparer: DeliveryPreparer,
    private readonly recorder: DeliveryRecorder,
    private readonly client: WebhookClient,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.slots = new SendSlots(config.delivery.concurrencyPerEndpoint);
  }

  /**
   * Claims a batch of due deliveries under a fresh lease: at most the cap of each endpoint's per claim, and none of
   * an endpoint another dispatcher holds or of which this one already holds `LEASE_DEPTH` × cap; this dispatcher
   * then holds the endpoints it took (`DeliveriesRepository.lease`).
   */
  async claim(limit = this.config.delivery.batchSize): Promise<ClaimedDelivery[]> {
    const counted: ClaimRow[] = [];
    try {
      const { claimed, holds } = await this.tx.run(async (tx) => {
        // A transaction run again (a retryable failure) counts only what its last run took.
        for (const row of counted.splice(0)) this.forgetLease(row.endpoint_id, row.delivery_id);
        const now = this.clock.now();
        const cap = this.config.delivery.concurrencyPerEndpoint;
        const due = await this.deliveries.lockDue(tx, now, limit * 4, Math.min(cap, limit));
        if (!due.length) return { claimed: [], holds: new Map<string, string>() };
        const state = await this.deliveries.lockEndpointsForClaim(
          tx,
          due.map((d) => d.endpoint_id),
          now,
          this.owner,
        );
        const pacing = new Map<string, PacingState>();
        for (const [id, s] of state) if (s.pacing) pacing.set(id, { ...s.pacing });
        const taken: typeof due = [];
        const sendAt = new Map<string, Date>();
        for (const row of due) {
          if (taken.length >= limit) break;
          // Another dispatcher is sending to this endpoint: its slots, not ours, count what is on the wire there.
          if (state.get(row.endpoint_id)?.elsewhere !== false) continue;
          if (this.liveLeases(row.endpoint_id, now.getTime()) >= cap * LEASE_DEPTH) continue;
          const paced = pacing.get(row.endpoint_id);
          if (paced) {
            // Over the endpoint's rate: left queued for a later pass (nothing lost, order kept).
            const at = reserveSendTime(paced, now.getTime());
            if (at === null) continue;
            sendAt.set(row.delivery_id, new Date(at));
          }
          taken.push(row);
          // Counted now, before the claim commits: a claim of the same endpoint waiting for its lock sees it.
          this.countLease(row.endpoint_id, row.delivery_id, Number.POSITIVE_INFINITY);
          counted.push(row);
        }
        await this.deliveries.savePacing(tx, pacing);
        // A paced send may wait up to the horizon before it starts: its lease covers the wait.
        const wait = sendAt.size ? PACING_HORIZON_MS : 0;
        const { timeoutMs } = this.config.delivery;
        const until = new Date(now.getTime() + wait + timeoutMs + Math.max(LEASE_MARGIN_MS, timeoutMs));
        const leased = await this.deliveries.lease(tx, taken, randomUUID(), this.owner, until);
        return {
          claimed: leased.claimed.map((d) =>
            sendAt.has(d.deliveryId) ? { ...d, sendAt: sendAt.get(d.deliveryId) } : d,
          ),
          holds: leased.holds,
        };
      });
      for (const d of claimed) this.countLease(d.endpointId, d.deliveryId, d.leaseExpiresAt.getTime());
      for (const [endpointId, seq] of holds) this.holdSeqs.set(endpointId, seq);
      return claimed;
    } catch (err) {
      for (const row of counted) this.forgetLease(row.endpoint_id, row.delivery_id);
      throw err;
    }
  }

  /** This dispatcher's leases of an endpoint that have not lapsed (those lapsed are dropped). */
  private liveLeases(endpointId: string, nowMs: number): number {
    const held = this.leases.get(endpointId);
    if (!held) return 0;
    for (const [id, until] of held) if (until <= nowMs) held.delete(id);
    if (!held.size) this.leases.delete(endpointId);
    return held.size;
  }

  private countLease(endpointId: string, deliveryId: string, untilMs: number): void {
    let held = this.leases.get(endpointId);
    if (!held) this.leases.set(endpointId, (held = new Map()));
    held.set(deliveryId, untilMs);
  }

  private forgetLease(endpointId: string, deliveryId: string): void {
    const held = this.leases.get(endpointId);
    if (!held) return;
    held.delete(deliveryId);
    if (!held.size) this.leases.delete(endpointId);
  }

  /**
   * Gives up the hold of those of `endpointIds` this dispatcher holds no lease of any more, so another dispatcher
   * may take them at once. A failure is only logged: the hold lapses on its own.
   */
  private async releaseIdleHolds(endpointIds: Iterable<string>): Promise<void> {
    const now = this.clock.nowMs();
    const idle: Array<{ endpointId: string; seq: string }> = [];
    for (const endpointId of new Set(endpointIds)) {
      const seq = this.holdSeqs.get(endpointId);
      if (seq === undefined || this.liveLeases(endpointId, now) > 0) continue;
      this.holdSeqs.delete(endpointId);
      idle.push({ endpointId, seq });
    }
    try {
      await this.deliveries.releaseHolds(this.owner, idle);
    } catch (err) {
      this.logger.warn('endpoint holds not released; they lapse on their own', { error: errorName(err) });
    }
  }

  /** One pass: claim, prepare, send, record. */
  async dispatchOnce(): Promise<DispatchSummary> {
    const claim = await this.claimAndSend();
    return claim ? claim.sent : EMPTY;
  }

  /** Deliveries a claim may take now without this dispatcher holding more than lanes × batch size. */
  freeCapacity(): number {
    return this.config.delivery.lanes * this.config.delivery.batchSize - this.held;
  }

  /**
   * Claims what is due, up to a batch and within the free capacity, and starts sending it: resolves once the claim
   * is made, with the sending (`sent` resolves once every outcome is recorded) and whether the claim came full (took
   * all it asked for, so more may be due; a claim that took less took all that could be claimed now), or to null if
   * nothing was claimed.
   */
  async claimAndSend(): Promise<{ readonly sent: Promise<DispatchSummary>; readonly full: boolean } | null> {
    const limit = Math.min(this.config.delivery.batchSize, this.freeCapacity());
    if (limit <= 0) return null;
    // Reserved while the claim is made, so claims made at once in this process share the capacity.
    this.held += limit;
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.claim(limit);
    } finally {
      this.held -= limit;
    }
    // `sendClaimed` counts its deliveries as held before it yields: nothing can claim in between.
    return claimed.length ? { sent: this.sendClaimed(claimed), full: claimed.length === limit } : null;
  }

  /** Calls `listener` (at most once per turn of the event loop) after deliveries settled; returns how to stop. */
  onSettled(listener: () => void): () => void {
    this.settleListeners.add(listener);
    return () => this.settleListeners.delete(listener);
  }

  private settle(n: number): void {
    if (n <= 0) return;
    this.held -= n;
    this.settles++;
    this.settleNotice ??= setImmediate(() => {
      this.settleNotice = null;
      for (const listener of [...this.settleListeners]) listener();
    });
  }

  /** Resolves at the next settle notice. */
  private nextSettle(): Promise<void> {
    return new Promise((resolve) => {
      const off = this.onSettled(() => {
        off();
        resolve();
      });
    });
  }

  /**
   * Passes until nothing is due now (or `maxPasses` claims were made), claims being sent at once up to the capacity
   * (`freeCapacity`): a claim is made as soon as there is room, and when nothing can be claimed while deliveries are
   * being sent (their endpoints at `LEASE_DEPTH`, their orders' next versions waiting), the next is tried once some
   * of them settle. Claims are SKIP LOCKED, first-in-queue and capped per endpoint under the endpoint's lock, so
   * claims share the work like separate dispatchers do and never break an order's queue or an endpoint's cap.
   */
  async dispatchAllDue(maxPasses = 1000): Promise<DispatchSummary> {
    let total = EMPTY;
    let passes = 0;
    let failure: { err: unknown } | null = null;
    const sending = new Set<Promise<void>>();
    try {
      while (passes < maxPasses && !failure) {
        const settlesBefore = this.settles;
        if (this.freeCapacity() > 0) {
          passes++;
          const claim = await this.claimAndSend();
          if (claim) {
            const done: Promise<void> = claim.sent
              .then(
                (s) => {
                  total = add(total, s);
                },
                (err: unknown) => {
                  failure ??= { err };
                },
              )
              .finally(() => sending.delete(done));
            sending.add(done);
            continue;
          }
          // Deliveries settled while the claim was being made: their orders' next versions may be due now.
          if (this.settles !== settlesBefore) continue;
        }
        if (!sending.size) break;
        await Promise.race([this.nextSettle(), ...sending]);
      }
    } finally {
      await Promise.all(sending);
    }
    if (failure) throw (failure as { err: unknown }).err;
    return total;
  }

  /**
   * Sends deliveries already claimed (exposed so a test can hold a claim and let it lapse): the whole claim
   * prepared in one transaction, each delivery sent on its own, each outcome recorded as soon as it is known
   * (outcomes that arrive while a record is being written go into the next one, so a busy dispatcher writes
   * many per transaction and an idle one records at once; a slow receiver holds back no other's record).
   */
  async sendClaimed(claimed: readonly ClaimedDelivery[]): Promise<DispatchSummary> {
    this.held += claimed.length;
    let ready: Awaited<ReturnType<Dispatcher['prepare']>>;
    try {
      ready = await this.prepare(claimed);
    } catch (err) {
      for (const d of claimed) this.forgetLease(d.endpointId, d.deliveryId);
      this.settle(claimed.length);
      await this.releaseIdleHolds(claimed.map((d) => d.endpointId));
      throw err;
    }
    // Each delivery settles on its own (its share of the capacity given back), and the claim waits for all of them
    // even if one fails, so nothing of it is still on the wire once this returns.
    const results = await Promise.allSettled([
      ...ready.unprepared.map((r) => this.settleAfter(r.delivery, this.recordSoon(r))),
      ...ready.prepared.map((p) => this.settleAfter(p.delivery, this.sendOne(p))),
    ]);
    await this.releaseIdleHolds(claimed.map((d) => d.endpointId));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    const outcomes = results.map((r) => (r as PromiseFulfilledResult<RecordedOutcome | 'released' | null>).value);
    return { ...summarise(outcomes), claimed: claimed.length };
  }

  /** `outcome`, with the delivery settled (its lease no longer counted, its share of the capacity given back). */
  private settleAfter<T>(d: ClaimedDelivery, outcome: Promise<T>): Promise<T> {
    return outcome.finally(() => {
      this.forgetLease(d.endpointId, d.deliveryId);
      this.settle(1);
    });
  }

  private async sendOne(p: PreparedDelivery): Promise<RecordedOutcome | 'released' | null> {
    if ('unsendable' in p) {
      if (p.unsendable !== 'endpoint_gone') return this.recordSoon(failed(p.delivery, this.clock.now(), p.unsendable));
      await this.tx.run((tx) => this.deliveries.release(tx, p.delivery));
      return 'released';
    }
    if (p.delivery.sendAt) await this.until(p.delivery.sendAt);
    const { endpointId } = p.delivery;
    const waited = await this.slots.acquire(endpointId);
    let attempt: AttemptRecord | null = null;
    try {
      // Too late for its paced time: sending now could crowd the next one. Handed back, re-paced later.
      const late = p.delivery.sendAt && this.clock.nowMs() - p.delivery.sendAt.getTime() > MAX_PACED_LATENESS_MS;
      // After waiting for a slot, the send must still end within the lease: once it lapses another dispatcher
      // may take the endpoint, and both sending would pass the cap. Handed back, claimed again later.
      const lapsing =
        waited && p.delivery.leaseExpiresAt.getTime() - this.clock.nowMs() < this.config.delivery.timeoutMs;
      if (!late && !lapsing) {
        const attemptedAt = this.clock.now();
        this.onTheWire++;
        try {
          const outcome = await this.client.send({ url: p.url, body: p.body, headers: p.headers });
          attempt = { delivery: p.delivery, attemptedAt, ...outcome };
        } finally {
          this.onTheWire--;
        }
      }
    } finally {
      this.slots.release(endpointId);
    }
    if (attempt) return this.recordSoon(attempt);
    await this.tx.run((tx) => this.deliveries.release(tx, p.delivery));
    return 'released';
  }

  /**
   * The claim's deliveries made ready in one transaction. If that fails, each tenant is tried on its own, so
   * one tenant's trouble holds no other back; a tenant that still fails sends nothing and each of its
   * deliveries counts a failed attempt (the entry did not commit, so no byte leaves).
   */
  private async prepare(
    claimed: readonly ClaimedDelivery[],
  ): Promise<{ prepared: PreparedDelivery[]; unprepared: AttemptRecord[] }> {
    try {
      return { prepared: await this.preparer.prepare(claimed), unprepared: [] };
    } catch (err) {
      const byTenant = groupByTenant(claimed);
      const results = await Promise.all(
        [...byTenant].map(async ([tenantId, batch]) => {
          try {
            if (byTenant.size === 1) throw err;
            return { prepared: await this.preparer.prepare(batch), unprepared: [] };
          } catch (tenantErr) {
            this.logger.error('delivery batch could not be prepared', { tenantId, error: errorName(tenantErr) });
            const at = this.clock.now();
            return { prepared: [], unprepared: batch.map((d) => failed(d, at, 'internal')) };
          }
        }),
      );
      return {
        prepared: results.flatMap((r) => r.prepared),
        unprepared: results.flatMap((r) => r.unprepared),
      };
    }
  }

  /**
   * Queues an outcome for the next record statement; resolves once it is written (null if it could not be). Written
   * at once when nothing else is on the wire or a full batch is waiting, else after at most `RECORD_LINGER_MS`.
   */
  private recordSoon(record: AttemptRecord): Promise<RecordedOutcome | null> {
    return new Promise((resolve) => {
      this.recordQueue.push({ record, resolve });
      if (this.onTheWire === 0 || this.recordQueue.length >= MAX_RECORD_BATCH) {
        void this.flushRecords();
      } else {
        this.lingering ??= setTimeout(() => void this.flushRecords(), RECORD_LINGER_MS);
      }
    });
  }

  private async flushRecords(): Promise<void> {
    if (this.lingering) clearTimeout(this.lingering);
    this.lingering = null;
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.recordQueue.length) {
        const batch = this.recordQueue.splice(0, MAX_RECORD_BATCH);
        const outcomes = await this.recordIsolated(batch.map((b) => b.record));
        for (const b of batch) b.resolve(outcomes.get(b.record.delivery.deliveryId) ?? null);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Records in one transaction, or tenant by tenant if that fails. A tenant whose record cannot be written keeps
   * its deliveries leased: when the lease lapses they are sent again with the same `webhook-id`.
   */
  private async recordIsolated(records: readonly AttemptRecord[]): Promise<Map<string, RecordedOutcome>> {
    const byId = (outcomes: readonly RecordedOutcome[]) => new Map(outcomes.map((o) => [o.deliveryId, o] as const));
    try {
      return byId(await this.recorder.record(records));
    } catch (err) {
      const byTenant = new Map<string, AttemptRecord[]>();
      for (const r of records) byTenant.set(r.delivery.tenantId, [...(byTenant.get(r.delivery.tenantId) ?? []), r]);
      const out = new Map<string, RecordedOutcome>();
      for (const [tenantId, batch] of byTenant) {
        try {
          if (byTenant.size === 1) throw err;
          for (const [id, o] of byId(await this.recorder.record(batch))) out.set(id, o);
        } catch (tenantErr) {
          this.logger.error('delivery outcomes could not be recorded', { tenantId, error: errorName(tenantErr) });
        }
      }
      return out;
    }
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

/** `null`: an outcome that could not be written (not counted; the lease lapses and the delivery is sent again). */
function summarise(all: ReadonlyArray<RecordedOutcome | 'released' | null>): DispatchSummary {
  const outcomes = all.filter((o): o is RecordedOutcome => o !== null && o !== 'released');
  const counted = outcomes.filter((o) => o.counted);
  return {
    claimed: 0,
    succeeded: counted.filter((o) => o.status === 'succeeded').length,
    retrying: counted.filter((o) => o.status === 'failed_retrying').length,
    givenUp: counted.filter((o) => o.status === 'given_up').length,
    released: all.filter((o) => o === 'released').length,
    // Not counted: answers that came after the lease was lost, and outcomes that could not be written.
    uncounted: outcomes.length - counted.length + all.filter((o) => o === null).length,
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

function groupByTenant(claimed: readonly ClaimedDelivery[]): Map<string, ClaimedDelivery[]> {
  const byTenant = new Map<string, ClaimedDelivery[]>();
  for (const d of claimed) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
  return byTenant;
}
