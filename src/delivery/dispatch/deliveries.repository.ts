import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { driverQuery } from '../../platform/database/driver-query';
import type { Tx } from '../../platform/database/transaction-manager';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { Delivery, type DeliveryStatus } from './delivery.entity';
import type { PacingState } from './rate-pacing';

export interface NewDelivery {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly orderId: string | null;
  readonly streamId: string;
  readonly orderVersion: number;
  readonly occurredAt: Date;
  readonly nextAttemptAt: Date;
  /** For events about no order: what they say (ids and times only). */
  readonly facts?: Record<string, unknown> | null;
}

/** An endpoint as a claim sees it, under the claim's lock. */
export interface EndpointClaimState {
  /** Another dispatcher holds the endpoint (`claim_holder`, until `claim_held_until`): it claims none of it. */
  readonly elsewhere: boolean;
  /** Null for an endpoint without a rate limit. */
  readonly pacing: PacingState | null;
}

/** A delivery this dispatcher now holds: its lease token fences every write about it. */
export interface ClaimedDelivery extends NewDelivery {
  readonly attemptCount: number;
  readonly leaseToken: string;
  /** When the lease lapses (by the dispatcher's clock): another dispatcher may take the delivery after that. */
  readonly leaseExpiresAt: Date;
  /** For a rate-limited endpoint: the send time reserved for it (not before). */
  readonly sendAt?: Date;
}

/** What came of one attempt, as `recordOutcomes` writes it. */
export interface OutcomeWrite {
  readonly delivery: ClaimedDelivery;
  readonly attemptId: string;
  readonly status: DeliveryStatus;
  readonly attemptedAt: Date;
  /** When it is tried again (`failed_retrying`); the attempt time for a finished delivery. */
  readonly nextAttemptAt: Date;
  readonly statusCode: number | null;
  readonly errorClass: string | null;
  readonly latencyMs: number;
  readonly result: string;
  /** The answer's first 4 kB sealed under the order's data key, or null. */
  readonly responseCiphertext: Buffer | null;
}

export interface DeliveryListFilter {
  readonly endpointId: string;
  readonly statuses?: readonly DeliveryStatus[];
  readonly eventType?: string;
  readonly orderId?: string;
  readonly since?: Date;
  readonly until?: Date;
  readonly after?: { createdAt: Date; deliveryId: string };
  readonly limit: number;
}

export interface EndpointStatsRow {
  ok_1h: number;
  failed_1h: number;
  ok_24h: number;
  failed_24h: number;
  ok_7d: number;
  failed_7d: number;
  pending: number;
  oldest_pending: Date | null;
  last_success: Date | null;
}

export interface OrderDeliveryRow {
  order_id: string;
  endpoint_id: string;
  endpoint_url: string;
  event_type: string;
  order_version: number;
  status: DeliveryStatus;
  attempt_count: number;
  created_at: Date;
  last_attempt_at: Date | null;
  completed_at: Date | null;
}

export interface ClaimRow {
  tenant_id: string;
  delivery_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  order_id: string | null;
  stream_id: string;
  order_version: number;
  occurred_at: Date;
  next_attempt_at: Date;
  attempt_count: number;
  facts: Record<string, unknown> | null;
}

/**
 * An instant that travels in a JSON parameter as epoch milliseconds, back to `timestamptz` (exact: whole
 * milliseconds, as JavaScript dates hold them). Numbers, not ISO strings: `JSON.stringify` calls every Date's
 * `toISOString`, about 1.9 µs per outcome row of 15 fields against 0.5 µs with numbers (Node 24).
 */
const instant = (column: string) => `(timestamptz 'epoch' + ${column} * interval '1 millisecond')`;

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts deliveries; one already queued for the same (endpoint, event) is left as it is. */
  async insertMany(tx: Tx, rows: readonly NewDelivery[]): Promise<number> {
    if (!rows.length) return 0;
    const { rowCount } = await driverQuery(
      tx,
      `INSERT INTO deliveries (tenant_id, delivery_id, endpoint_id, event_id, event_type, order_id, stream_id,
                               order_version, occurred_at, next_attempt_at, facts, created_at)
       SELECT u.t, u.d, u.e, u.ev, u.ty, u.o, u.s, u.v, ${instant('u.at')}, ${instant('u.nx')}, u.f,
              -- Milliseconds, as JavaScript dates and so list cursors hold them: a cursor must compare equal.
              date_trunc('milliseconds', now())
         FROM json_to_recordset($1::json)
           AS u(t uuid, d uuid, e uuid, ev uuid, ty text, o uuid, s uuid, v int, at bigint, nx bigint, f jsonb)
       ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING
       RETURNING delivery_id`,
      [
        JSON.stringify(
          rows.map((r) => ({
            t: r.tenantId,
            d: r.deliveryId,
            e: r.endpointId,
            ev: r.eventId,
            ty: r.eventType,
            o: r.orderId,
            s: r.streamId,
            v: r.orderVersion,
            at: r.occurredAt.getTime(),
            nx: r.nextAttemptAt.getTime(),
            f: r.facts ?? null,
          })),
        ),
      ],
      { prepare: true },
    );
    return rowCount;
  }

  /**
   * Locks due deliveries (skipping rows other dispatchers hold) that are first in
   * their (endpoint, order) queue: none of the same stream with a lower version is
   * still open. Only deliveries whose lease is free or expired, to enabled endpoints.
   *
   * At most `perEndpoint` candidates per endpoint, oldest first, so that one
   * endpoint's backlog never fills the window: a slow endpoint at its concurrency
   * cap with thousands of older deliveries used to leave every other endpoint's
   * deliveries outside the `limit` oldest rows, unsent until it drained. The
   * endpoints with open deliveries are found by a loose index scan of
   * `deliveries_open_endpoint_idx` (one probe per such endpoint, whatever its
   * backlog), then each endpoint's due rows by a range scan of the same index.
   * The queue check is one probe of `deliveries_open_stream_idx` per candidate: `ORDER BY … LIMIT 1 OFFSET 0`
   * keeps it a per-row subplan that walks that index (as an anti-join, right after a burst of fan-out the planner
   * checked every candidate against all of its endpoint's open rows: 6.3 ms → 1.2 ms per claim of 80).
   */
  async lockDue(tx: Tx, now: Date, limit: number, perEndpoint: number): Promise<ClaimRow[]> {
    const { rows } = await driverQuery<ClaimRow>(
      tx,
      `WITH RECURSIVE open_endpoints AS (
         (SELECT tenant_id, endpoint_id FROM deliveries
           WHERE status IN ('pending', 'failed_retrying')
           ORDER BY tenant_id, endpoint_id LIMIT 1)
         UNION ALL
         SELECT n.tenant_id, n.endpoint_id FROM open_endpoints o
          CROSS JOIN LATERAL (
            SELECT tenant_id, endpoint_id FROM deliveries
             WHERE status IN ('pending', 'failed_retrying')
               AND (tenant_id, endpoint_id) > (o.tenant_id, o.endpoint_id)
             ORDER BY tenant_id, endpoint_id LIMIT 1) n
       )
       SELECT c.* FROM open_endpoints o
         JOIN webhook_endpoints e ON e.tenant_id = o.tenant_id AND e.endpoint_id = o.endpoint_id
        CROSS JOIN LATERAL (
          SELECT d.tenant_id, d.delivery_id, d.endpoint_id, d.event_id, d.event_type, d.order_id, d.stream_id,
                 d.order_version, d.occurred_at, d.next_attempt_at, d.attempt_count, d.facts
            FROM deliveries d
           WHERE d.tenant_id = o.tenant_id AND d.endpoint_id = o.endpoint_id
             AND d.status IN ('pending', 'failed_retrying') AND d.next_attempt_at <= $1
             AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= $1)
             AND NOT EXISTS (
                   SELECT 1 FROM deliveries p
                    WHERE p.tenant_id = d.tenant_id AND p.endpoint_id = d.endpoint_id AND p.stream_id = d.stream_id
                      AND p.order_version < d.order_version AND p.status IN ('pending', 'failed_retrying')
                    ORDER BY p.order_version LIMIT 1 OFFSET 0)
           ORDER BY d.next_attempt_at
           LIMIT $3
           FOR UPDATE OF d SKIP LOCKED) c
        WHERE e.enabled AND e.deleted_at IS NULL
        ORDER BY c.next_attempt_at
        LIMIT $2`,
      [now, limit, perEndpoint],
      { prepare: true },
    );
    return rows;
  }

  /**
   * Serialises claims per endpoint for the rest of the transaction (so the concurrency cap holds across
   * dispatchers) and returns, per endpoint, whether a dispatcher other than `owner` holds it (see `lease`) and its
   * pacing if it has a rate limit. The lock is its own statement: a statement's snapshot is taken when it starts, so
   * reading the hold in the locking statement could miss a hold committed while it waited for the lock.
   */
  async lockEndpointsForClaim(
    tx: Tx,
    endpointIds: readonly string[],
    now: Date,
    owner: string,
  ): Promise<Map<string, EndpointClaimState>> {
    const sorted = [...new Set(endpointIds)].sort();
    if (!sorted.length) return new Map();
    await driverQuery(
      tx,
      `SELECT pg_advisory_xact_lock(hashtextextended('delivery-endpoint:' || id, 0))
         FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n`,
      [sorted],
      { prepare: true },
    );
    const { rows } = await driverQuery<{
      endpoint_id: string;
      elsewhere: boolean;
      rate: number | null;
      next: Date | null;
    }>(
      tx,
      `SELECT endpoint_id, rate_limit_per_second AS rate, rate_next_send_at AS next,
              coalesce(claim_holder <> $3 AND claim_held_until > $2, false) AS elsewhere
         FROM webhook_endpoints
        WHERE endpoint_id = ANY($1::uuid[])`,
      [sorted, now, owner],
      { prepare: true },
    );
    return new Map(
      rows.map((r) => [
        r.endpoint_id,
        {
          elsewhere: r.elsewhere,
          pacing:
            r.rate === null ? null : { ratePerSecond: r.rate, nextSendAt: r.next ? new Date(r.next).getTime() : 0 },
        },
      ]),
    );
  }

  async savePacing(tx: Tx, pacing: ReadonlyMap<string, PacingState>): Promise<void> {
    if (!pacing.size) return;
    await tx.query(
      `UPDATE webhook_endpoints e SET rate_next_send_at = u.next
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, next) WHERE e.endpoint_id = u.id`,
      [[...pacing.keys()], [...pacing.values()].map((p) => new Date(p.nextSendAt))],
    );
  }

  /**
   * Leases the rows under `token` until `until`, and makes `owner` the holder of their endpoints until then: another
   * dispatcher claims none of an endpoint's deliveries while it is held (`lockEndpointsForClaim`), so the endpoint's
   * cap holds across replicas without counting leased rows, and no index of `deliveries` names a lease column: the
   * lease is a HOT update, written in place on its page, not a new entry in each of the table's indexes (`bench
   * deliver`, 6,000 webhooks, two runs each: the lease statements 456 / 415 → 205 / 217 ms, all the delivery
   * statements 2,094 / 1,939 → 1,735 / 1,711 ms, PostgreSQL's CPU 1.81 / 1.68 → 1.44 / 1.46 s). Endpoints are locked
   * in id order. Returns each held endpoint's claim count (`releaseHolds` matches it).
   */
  async lease(
    tx: Tx,
    rows: readonly ClaimRow[],
    token: string,
    owner: string,
    until: Date,
  ): Promise<{ claimed: ClaimedDelivery[]; holds: Map<string, string> }> {
    if (!rows.length) return { claimed: [], holds: new Map() };
    const { rows: held } = await driverQuery<{ endpoint_id: string; seq: string }>(
      tx,
      `WITH locked AS MATERIALIZED (
         SELECT endpoint_id FROM webhook_endpoints WHERE endpoint_id = ANY($5::uuid[]) ORDER BY endpoint_id FOR UPDATE
       ), held AS (
         UPDATE webhook_endpoints e
            SET claim_holder = $2, claim_seq = e.claim_seq + 1,
                -- Never shortened by this holder: an earlier claim's leases (a paced one's) may outlast this one's.
                claim_held_until = greatest(CASE WHEN e.claim_holder = $2 THEN e.claim_held_until END, $3)
           FROM locked WHERE e.endpoint_id = locked.endpoint_id
         RETURNING e.endpoint_id, e.claim_seq
       ), leased AS (
         UPDATE deliveries d SET lease_token = $1, lease_owner = $2, lease_expires_at = $3
           FROM json_to_recordset($4::json) AS u(t uuid, d uuid)
          WHERE d.tenant_id = u.t AND d.delivery_id = u.d
       )
       SELECT endpoint_id, claim_seq::text AS seq FROM held`,
      [
        token,
        owner,
        until,
        JSON.stringify(rows.map((r) => ({ t: r.tenant_id, d: r.delivery_id }))),
        [...new Set(rows.map((r) => r.endpoint_id))],
      ],
      { prepare: true },
    );
    const claimed = rows.map((r) => ({
      tenantId: r.tenant_id,
      deliveryId: r.delivery_id,
      endpointId: r.endpoint_id,
      eventId: r.event_id,
      eventType: r.event_type,
      orderId: r.order_id,
      streamId: r.stream_id,
      orderVersion: r.order_version,
      occurredAt: new Date(r.occurred_at),
      nextAttemptAt: new Date(r.next_attempt_at),
      attemptCount: r.attempt_count,
      facts: r.facts,
      leaseToken: token,
      leaseExpiresAt: until,
    }));
    return { claimed, holds: new Map(held.map((h) => [h.endpoint_id, h.seq])) };
  }

  /**
   * Writes a batch's outcomes in one statement: each delivery's next state, fenced by its lease token (a delivery
   * whose lease was taken over meanwhile is left as it is); an attempt row each, `counted` where the lease was still
   * ours; and the end of the failing stretch of each endpoint that answered a counted success. Returns the ids of the
   * deliveries whose lease was ours. One statement, not one per delivery (2,000 single-row UPDATEs summed 3.9 s in
   * `bench deliver`) nor one per table: on its own (`tx` outside a transaction) it commits atomically without
   * BEGIN/COMMIT, so a batch of successes costs one round trip instead of five (`bench deliver`, 4,000 webhooks:
   * 2,034 statements → 1,576 with the claim's merged read; see README, Benchmarks). Rows go in as one JSON
   * parameter through `json_to_recordset` (TypeORM's insert builder took about 65 µs of CPU per attempt row in a
   * profile; the driver's array parameters, one per column, about as much as the JSON with dates in it).
   */
  async recordOutcomes(tx: Tx, writes: readonly OutcomeWrite[]): Promise<Set<string>> {
    if (!writes.length) return new Set();
    const { rows } = await driverQuery<{ delivery_id: string }>(
      tx,
      `WITH u AS (
         SELECT t, id, lease, status, ${instant('at')} AS at, ${instant('nx')} AS nx, code, err, attempt_id, order_id, n,
                latency, result, ${instant('attempt_nx')} AS attempt_nx, response
           FROM json_to_recordset($1::json)
             AS r(t uuid, id uuid, lease uuid, status text, at bigint, nx bigint, code int, err text, attempt_id uuid,
                  order_id uuid, n int, latency int, result text, attempt_nx bigint, response bytea)
       ), done AS (
         UPDATE deliveries d
            SET status = u.status, attempt_count = d.attempt_count + 1, last_attempt_at = u.at,
                next_attempt_at = u.nx, last_status_code = u.code, last_error_class = u.err,
                completed_at = CASE WHEN u.status IN ('succeeded', 'given_up') THEN u.at ELSE NULL END,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = u.at
           FROM u
          WHERE d.tenant_id = u.t AND d.delivery_id = u.id AND d.lease_token = u.lease
         RETURNING d.tenant_id, d.delivery_id, d.endpoint_id, d.status
       ), attempts AS (
         INSERT INTO delivery_attempts (tenant_id, attempt_id, delivery_id, order_id, attempt_number, attempted_at,
                                        status_code, latency_ms, result, next_attempt_at, response_ciphertext, counted)
         SELECT u.t, u.attempt_id, u.id, u.order_id, u.n, u.at, u.code, u.latency, u.result, u.attempt_nx, u.response,
                done.delivery_id IS NOT NULL
           FROM u LEFT JOIN done ON done.tenant_id = u.t AND done.delivery_id = u.id
       ), cleared AS (
         UPDATE webhook_endpoints e SET failing_since = NULL, failure_warnings = 0
           FROM (SELECT DISTINCT tenant_id, endpoint_id FROM done WHERE status = 'succeeded') s
          WHERE e.tenant_id = s.tenant_id AND e.endpoint_id = s.endpoint_id AND e.failing_since IS NOT NULL
       )
       SELECT delivery_id FROM done`,
      [
        JSON.stringify(
          writes.map((w) => ({
            t: w.delivery.tenantId,
            id: w.delivery.deliveryId,
            lease: w.delivery.leaseToken,
            status: w.status,
            at: w.attemptedAt.getTime(),
            nx: w.nextAttemptAt.getTime(),
            code: w.statusCode,
            err: w.errorClass,
            attempt_id: w.attemptId,
            order_id: w.delivery.orderId,
            n: w.delivery.attemptCount + 1,
            latency: w.latencyMs,
            result: w.result,
            attempt_nx: w.status === 'failed_retrying' ? w.nextAttemptAt.getTime() : null,
            // bytea's hex input form.
            response: w.responseCiphertext ? `\\x${w.responseCiphertext.toString('hex')}` : null,
          })),
        ),
      ],
      { prepare: true },
    );
    return new Set(rows.map((r) => r.delivery_id));
  }

  /**
   * Gives up `owner`'s hold of endpoints none of whose deliveries it holds any more, each only if no claim of it was
   * made since the one named (its claim count): a release written as a new claim of the same endpoint commits leaves
   * that claim's hold in place. On its own (commits by itself).
   */
  async releaseHolds(owner: string, holds: ReadonlyArray<{ endpointId: string; seq: string }>): Promise<void> {
    if (!holds.length) return;
    await driverQuery(
      this.dataSource.manager,
      `UPDATE webhook_endpoints e SET claim_holder = NULL, claim_held_until = NULL
         FROM json_to_recordset($2::json) AS u(e uuid, s bigint)
        WHERE e.endpoint_id = u.e AND e.claim_holder = $1 AND e.claim_seq = u.s`,
      [owner, JSON.stringify(holds.map((h) => ({ e: h.endpointId, s: h.seq })))],
      { prepare: true },
    );
  }

  /** Hands a claimed delivery back untried (its endpoint went away meanwhile, or the send was not possible yet). */
  async release(tx: Tx, d: ClaimedDelivery): Promise<void> {
    await tx.query(
      `UPDATE deliveries SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
        WHERE tenant_id = $1 AND delivery_id = $2 AND lease_token = $3`,
      [d.tenantId, d.deliveryId, d.leaseToken],
    );
  }

  findOne(tenantId: string, deliveryId: string): Promise<Delivery | null> {
    return this.dataSource.getRepository(Delivery).findOne({ where: { tenantId, deliveryId } });
  }

  attemptsOf(tenantId: string, deliveryId: string): Promise<DeliveryAttempt[]> {
    return this.dataSource
      .getRepository(DeliveryAttempt)
      .find({ where: { tenantId, deliveryId }, order: { attemptedAt: 'ASC', attemptNumber: 'ASC' } });
  }

  list(tenantId: string, f: DeliveryListFilter): Promise<Delivery[]> {
    const qb = this.dataSource
      .getRepository(Delivery)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId AND d.endpoint_id = :endpointId', { tenantId, endpointId: f.endpointId })
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.delivery_id', 'DESC')
      .limit(f.limit);
    if (f.statuses) qb.andWhere('d.status = ANY(:statuses::text[])', { statuses: [...f.statuses] });
    if (f.eventType) qb.andWhere('d.event_type = :eventType', { eventType: f.eventType });
    if (f.orderId) qb.andWhere('d.order_id = :orderId', { orderId: f.orderId });
    if (f.since) qb.andWhere('d.created_at >= :since', { since: f.since });
    if (f.until) qb.andWhere('d.created_at < :until', { until: f.until });
    if (f.after) {
      qb.andWhere('(d.created_at, d.delivery_id) < (:afterAt, :afterId)', {
        afterAt: f.after.createdAt,
        afterId: f.after.deliveryId,
      });
    }
    return qb.getMany();
  }

  /** Makes a finished or waiting delivery due now (manual retry); a leased one is left to its sender. */
  async makeDue(tx: Tx, tenantId: string, deliveryId: string, now: Date): Promise<boolean> {
    const [, count] = (await tx.query(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = $3::timestamptz, completed_at = NULL,
              updated_at = $3::timestamptz
        WHERE tenant_id = $1 AND delivery_id = $2 AND (lease_expires_at IS NULL OR lease_expires_at <= $3::timestamptz)`,
      [tenantId, deliveryId, now],
    )) as [unknown, number];
    return count === 1;
  }

  /** Failed or given-up deliveries of an endpoint created since `since` (what a replay will make due again). */
  async countFailedSince(tx: Tx, tenantId: string, endpointId: string, since: Date): Promise<number> {
    const [row] = (await tx.query(
      `SELECT count(*)::int AS n FROM deliveries
        WHERE tenant_id = $1 AND endpoint_id = $2 AND created_at >= $3 AND status IN ('failed_retrying', 'given_up')`,
      [tenantId, endpointId, since],
    )) as Array<{ n: number }>;
    return row.n;
  }

  /**
   * One batch of a replay: the next `streams` order queues (by stream id, after `afterStream`) that hold failed or
   * given-up deliveries of the endpoint created since `since`, each queue made due again as a whole, so an order's
   * versions are never reopened across two commits (the dispatcher could otherwise send version n+1 before n is
   * back in the queue). Deliveries being sent right now (a live lease) are left to their sender.
   */
  async makeFailedDueByStream(
    tx: Tx,
    q: { tenantId: string; endpointId: string; since: Date; now: Date; afterStream: string | null; streams: number },
  ): Promise<{ streams: number; deliveries: number; lastStream: string | null }> {
    const [row] = (await tx.query(
      `WITH s AS (
         SELECT DISTINCT stream_id FROM deliveries
          WHERE tenant_id = $1 AND endpoint_id = $2 AND created_at >= $3 AND status IN ('failed_retrying', 'given_up')
            AND ($5::uuid IS NULL OR stream_id > $5::uuid)
          ORDER BY stream_id LIMIT $6
       ), made AS (
         UPDATE deliveries d SET status = 'pending', next_attempt_at = $4::timestamptz, completed_at = NULL,
                updated_at = $4::timestamptz
           FROM s
          WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.stream_id = s.stream_id AND d.created_at >= $3
            AND d.status IN ('failed_retrying', 'given_up')
            AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= $4::timestamptz)
         RETURNING 1
       )
       SELECT (SELECT count(*)::int FROM s) AS streams, (SELECT max(stream_id::text) FROM s) AS last_stream,
              (SELECT count(*)::int FROM made) AS deliveries`,
      [q.tenantId, q.endpointId, q.since, q.now, q.afterStream, q.streams],
    )) as Array<{ streams: number; deliveries: number; last_stream: string | null }>;
    return { streams: row.streams, deliveries: row.deliveries, lastStream: row.last_stream };
  }

  /** Destroys the sealed answers kept for these orders (their data keys go in the same transaction). */
  async clearResponses(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<number> {
    if (!orderIds.length) return 0;
    const [, count] = (await tx.query(
      `UPDATE delivery_attempts SET response_ciphertext = NULL
        WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) AND response_ciphertext IS NOT NULL`,
      [tenantId, orderIds],
    )) as [unknown, number];
    return count;
  }

  /**
   * Deletes the deliveries of these orders and their attempts (order-record expiry). Runs rarely, in the
   * sweep's batches: it filters the tenant's range rather than carrying an index of its own.
   */
  async deleteForOrders(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<number> {
    if (!orderIds.length) return 0;
    const [deleted] = (await tx.query(
      `DELETE FROM deliveries WHERE tenant_id = $1 AND order_id = ANY($2::uuid[]) RETURNING delivery_id`,
      [tenantId, orderIds],
    )) as [Array<{ delivery_id: string }>, number];
    if (!deleted.length) return 0;
    const [, attempts] = (await tx.query(
      `DELETE FROM delivery_attempts WHERE tenant_id = $1 AND delivery_id = ANY($2::uuid[])`,
      [tenantId, deleted.map((d) => d.delivery_id)],
    )) as [unknown, number];
    return deleted.length + attempts;
  }

  /**
   * Up to `limit` finished deliveries (succeeded or given up) completed before `before`, with their attempts,
   * claimed SKIP LOCKED so replicas share the work; an open delivery is never taken, however old. Range scan of
   * `deliveries_finished_idx`.
   */
  async deleteFinishedBefore(tx: Tx, before: Date, limit: number): Promise<{ deliveries: number; attempts: number }> {
    const [doomed] = (await tx.query(
      `DELETE FROM deliveries WHERE (tenant_id, delivery_id) IN (
         SELECT tenant_id, delivery_id FROM deliveries
          WHERE status IN ('succeeded', 'given_up') AND completed_at < $1
          ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING tenant_id, delivery_id`,
      [before, limit],
    )) as [Array<{ tenant_id: string; delivery_id: string }>, number];
    if (!doomed.length) return { deliveries: 0, attempts: 0 };
    const [, attempts] = (await tx.query(
      `DELETE FROM delivery_attempts a
        USING unnest($1::uuid[], $2::uuid[]) AS d(tenant_id, delivery_id)
        WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.delivery_id`,
      [doomed.map((d) => d.tenant_id), doomed.map((d) => d.delivery_id)],
    )) as [unknown, number];
    return { deliveries: doomed.length, attempts };
  }

  /** Every delivery about these orders, with its endpoint's URL (a buyer's data-subject export), oldest first. */
  forOrders(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<OrderDeliveryRow[]> {
    if (!orderIds.length) return Promise.resolve([]);
    return tx.query(
      `SELECT d.order_id, d.endpoint_id, e.url AS endpoint_url, d.event_type, d.order_version, d.status,
              d.attempt_count, d.created_at, d.last_attempt_at, d.completed_at
         FROM deliveries d
         JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.endpoint_id = d.endpoint_id
        WHERE d.tenant_id = $1 AND d.order_id = ANY($2::uuid[])
        ORDER BY d.created_at, d.delivery_id`,
      [tenantId, orderIds],
    );
  }

  /** Which of these events already have a delivery to the endpoint (uses `deliveries_event_uq`). */
  async eventsQueuedFor(
    tx: Tx,
    tenantId: string,
    endpointId: string,
    eventIds: readonly string[],
  ): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const rows = (await tx.query(
      `SELECT event_id FROM deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND event_id = ANY($3::uuid[])`,
      [tenantId, endpointId, eventIds],
    )) as Array<{ event_id: string }>;
    return new Set(rows.map((r) => r.event_id));
  }

  /** The endpoint's deliveries given up since an instant, and those still open. */
  async givenUpAndOpen(tenantId: string, endpointId: string, since: Date): Promise<{ givenUp: number; open: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'given_up' AND completed_at >= $3)::int AS given_up,
              count(*) FILTER (WHERE status IN ('pending', 'failed_retrying'))::int AS open
         FROM deliveries WHERE tenant_id = $1 AND endpoint_id = $2`,
      [tenantId, endpointId, since],
    )) as Array<{ given_up: number; open: number }>;
    return { givenUp: row.given_up, open: row.open };
  }

  /** Which of these events of the tenant still have a delivery that is not finished (kept from the outbox purge). */
  async eventsWithOpenDeliveries(tx: Tx, tenantId: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const rows = (await tx.query(
      `SELECT DISTINCT event_id FROM deliveries
        WHERE tenant_id = $1 AND event_id = ANY($2::uuid[]) AND status IN ('pending', 'failed_retrying')`,
      [tenantId, eventIds],
    )) as Array<{ event_id: string }>;
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * One endpoint's counted attempts over the last hour, day and week (succeeded = a 2xx answer), its last
   * success, and its open deliveries with the creation time of the oldest.
   */
  async endpointStats(tenantId: string, endpointId: string, now: Date): Promise<EndpointStatsRow> {
    const [attempts] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE a.result = 'ok' AND a.attempted_at > $3::timestamptz - interval '1 hour')::int AS ok_1h,
              count(*) FILTER (WHERE a.result <> 'ok' AND a.attempted_at > $3::timestamptz - interval '1 hour')::int AS failed_1h,
              count(*) FILTER (WHERE a.result = 'ok' AND a.attempted_at > $3::timestamptz - interval '1 day')::int AS ok_24h,
              count(*) FILTER (WHERE a.result <> 'ok' AND a.attempted_at > $3::timestamptz - interval '1 day')::int AS failed_24h,
              count(*) FILTER (WHERE a.result = 'ok')::int AS ok_7d,
              count(*) FILTER (WHERE a.result <> 'ok')::int AS failed_7d
         FROM delivery_attempts a
         JOIN deliveries d ON d.tenant_id = a.tenant_id AND d.delivery_id = a.delivery_id
        WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND a.counted
          AND a.attempted_at > $3::timestamptz - interval '7 days' AND a.attempted_at <= $3::timestamptz`,
      [tenantId, endpointId, now],
    );
    const [open] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status IN ('pending', 'failed_retrying'))::int AS pending,
              min(created_at) FILTER (WHERE status IN ('pending', 'failed_retrying')) AS oldest_pending,
              max(completed_at) FILTER (WHERE status = 'succeeded') AS last_success
         FROM deliveries WHERE tenant_id = $1 AND endpoint_id = $2`,
      [tenantId, endpointId],
    );
    return { ...attempts, ...open };
  }

  /** Open deliveries per endpoint and the creation time of the oldest (for the backlog gauges). */
  async backlog(): Promise<Array<{ endpoint_id: string; n: number; oldest: Date }>> {
    return this.dataSource.query(
      `SELECT endpoint_id, count(*)::int AS n, min(created_at) AS oldest FROM deliveries
        WHERE status IN ('pending', 'failed_retrying') GROUP BY endpoint_id`,
    );
  }

  async countDisabledEndpoints(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_endpoints WHERE NOT enabled AND deleted_at IS NULL`,
    );
    return row.n;
  }

  async countDue(now: Date): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE status IN ('pending', 'failed_retrying') AND next_attempt_at <= $1`,
      [now],
    );
    return row.n;
  }
}
