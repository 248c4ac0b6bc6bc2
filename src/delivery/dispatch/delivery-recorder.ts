import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog, auditedBy } from '../../audit';
import { DataKeyService, dataKeyRef, type DataKeyHandle } from '../../crypto';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { filterMatches } from '../event-types';
import { FAILURE_WINDOW_MS, failureLevel } from './failure-window';
import { EndpointsRepository } from '../endpoints/endpoints.repository';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { DeliveryMetrics } from './delivery-metrics';
import { DISPATCH_ACTOR } from './delivery-preparer';
import type { DeliveryStatus } from './delivery.entity';
import { nextStep, type AttemptResult } from './retry-schedule';

type Step = ReturnType<typeof nextStep>;

export const RESPONSE_PURPOSE = 'delivery.response';

export interface AttemptRecord {
  readonly delivery: ClaimedDelivery;
  readonly attemptedAt: Date;
  readonly result: AttemptResult;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly retryAfterMs: number | null;
  readonly responseHead: Buffer | null;
}

export interface RecordedOutcome {
  readonly deliveryId: string;
  readonly status: DeliveryStatus;
  /** False when the lease was lost meanwhile (another dispatcher took the delivery over). */
  readonly counted: boolean;
  readonly endpointDisabled: boolean;
}

/**
 * Writes what came of a batch's attempts (any number of tenants), in one statement when they all succeeded and
 * in one transaction otherwise: an attempt row each (the answer's first 4 kB sealed under the order's data key),
 * the delivery's next state through its lease token (a dispatcher whose lease
 * was taken over changes nothing), the endpoint's failure stretch, and the
 * disabling of an endpoint that answered 410 Gone (with its access-log entry).
 */
@Injectable()
export class DeliveryRecorder {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly dataKeys: DataKeyService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly metrics: DeliveryMetrics,
  ) {}

  /**
   * A batch of successes (the common case) is one statement on its own, which commits atomically without
   * BEGIN/COMMIT; a batch with any failure is written in a transaction with what failures bring (the failing
   * stretch, warnings, disabling and their access-log entries).
   */
  async record(records: readonly AttemptRecord[], random: () => number = Math.random): Promise<RecordedOutcome[]> {
    const steps = records.map((r) => {
      const step = nextStep(r.delivery.attemptCount + 1, r, random);
      const status: DeliveryStatus =
        step.kind === 'succeeded' ? 'succeeded' : step.kind === 'retry' ? 'failed_retrying' : 'given_up';
      const next = step.kind === 'retry' ? new Date(r.attemptedAt.getTime() + step.delayMs) : r.attemptedAt;
      return { r, step, status, next };
    });
    if (steps.every((s) => s.step.kind === 'succeeded')) return this.write(this.tx.manager, steps);
    return this.tx.run(async (tx) => {
      const outcomes = await this.write(tx, steps);
      const tenants = [...new Set(records.map((r) => r.delivery.tenantId))].sort();
      const succeeded = new Set<string>();
      const failed = new Map<string, Set<string>>();
      const gone = new Map<string, Set<string>>();
      steps.forEach(({ r, step, status }, i) => {
        const d = r.delivery;
        if (!outcomes[i].counted) return;
        if (step.kind === 'disable_endpoint') addTo(gone, d.tenantId, d.endpointId);
        if (status === 'succeeded') succeeded.add(`${d.tenantId}/${d.endpointId}`);
        else addTo(failed, d.tenantId, d.endpointId);
      });
      const at = records[0]?.attemptedAt ?? new Date(0);
      // Handled per tenant, in tenant order: they may append to the tenant's chain, and every transaction that
      // appends to several chains takes them in that order. An endpoint that also answered a success is not failing.
      for (const tenantId of tenants) {
        const stillFailing = [...(failed.get(tenantId) ?? [])].filter((e) => !succeeded.has(`${tenantId}/${e}`));
        const goneHere = gone.get(tenantId) ?? new Set<string>();
        await this.endpoints.markFailing(tx, tenantId, stillFailing, at);
        await this.checkFailureWindow(tx, tenantId, stillFailing, goneHere, at);
        for (const endpointId of goneHere) {
          if (!(await this.endpoints.disable(tx, tenantId, endpointId, 'gone', at))) continue;
          await this.audit.append(tx, {
            tenantId,
            ...auditedBy(DISPATCH_ACTOR),
            action: 'endpoint.updated',
            targets: { endpointId },
            reason: 'disabled: the receiver answered 410 Gone',
            outcome: 'allowed',
          });
        }
      }
      return outcomes;
    });
  }

  /**
   * The attempts and the deliveries' next states in one statement; each answer's first 4 kB sealed under its
   * order's data key (a destroyed order has no key: its answer is not kept, there is nothing it may be kept under).
   */
  private async write(
    tx: Tx,
    steps: ReadonlyArray<{ r: AttemptRecord; step: Step; status: DeliveryStatus; next: Date }>,
  ): Promise<RecordedOutcome[]> {
    const withAnswer = steps.filter(({ r }) => r.responseHead?.length && r.delivery.orderId);
    const orderKeys = withAnswer.length
      ? await this.dataKeys.openDataKeysOfTenants(
          tx,
          withAnswer.map(({ r }) => ({ tenantId: r.delivery.tenantId, subjectId: r.delivery.orderId! })),
        )
      : new Map<string, DataKeyHandle>();
    const ours = await this.deliveries.recordOutcomes(
      tx,
      steps.map(({ r, status, next }) => {
        const d = r.delivery;
        const key = d.orderId ? orderKeys.get(dataKeyRef(d.tenantId, d.orderId)) : undefined;
        return {
          delivery: d,
          attemptId: randomUUID(),
          status,
          attemptedAt: r.attemptedAt,
          nextAttemptAt: next,
          statusCode: r.statusCode,
          errorClass: r.result === 'ok' ? null : r.result,
          latencyMs: r.latencyMs,
          result: r.result,
          responseCiphertext: key && r.responseHead?.length ? key.seal(RESPONSE_PURPOSE, r.responseHead) : null,
        };
      }),
    );
    return steps.map(({ r, step, status }) => {
      const counted = ours.has(r.delivery.deliveryId);
      this.metrics.attempted(r.result, r.latencyMs, r.latencyMs > 0, counted ? status : null);
      return {
        deliveryId: r.delivery.deliveryId,
        status,
        counted,
        endpointDisabled: step.kind === 'disable_endpoint',
      };
    });
  }

  /**
   * An endpoint failing continuously is warned about at 50 % and 90 % of the
   * 5-day window and disabled at its end. Each step is an access-log entry, a
   * metric, and an operational event to the tenant's other endpoints that
   * subscribe to it.
   */
  private async checkFailureWindow(
    tx: Tx,
    tenantId: string,
    endpointIds: readonly string[],
    gone: ReadonlySet<string>,
    now: Date,
  ): Promise<void> {
    if (!endpointIds.length) return;
    const rows = await this.endpoints.findMany(tx, tenantId, endpointIds);
    for (const e of rows) {
      if (!e.failingSince || !e.enabled || gone.has(e.endpointId)) continue;
      const level = failureLevel(e.failingSince, now);
      if (level <= e.failureWarnings) continue;
      if (!(await this.endpoints.raiseWarnings(tx, tenantId, e.endpointId, level))) continue;
      const disabling = level === 3 && (await this.endpoints.disable(tx, tenantId, e.endpointId, 'failing', now));
      const type = disabling ? 'endpoint.disabled' : 'endpoint.failing';
      const disableAt = new Date(e.failingSince.getTime() + FAILURE_WINDOW_MS);
      await this.queueOperational(tx, tenantId, e.endpointId, type, now, {
        endpointId: e.endpointId,
        failingSince: e.failingSince.toISOString(),
        ...(disabling ? { disabledAt: now.toISOString() } : { disableAt: disableAt.toISOString() }),
      });
      this.metrics.endpointEvent(type);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(DISPATCH_ACTOR),
        action: 'endpoint.updated',
        targets: { endpointId: e.endpointId },
        reason: disabling
          ? 'disabled: every attempt failed for 5 days'
          : `warning: every attempt failing since ${e.failingSince.toISOString()}; disabled at ${disableAt.toISOString()} unless one succeeds`,
        outcome: 'allowed',
      });
    }
  }

  private async queueOperational(
    tx: Tx,
    tenantId: string,
    aboutEndpointId: string,
    type: string,
    now: Date,
    facts: Record<string, unknown>,
  ): Promise<void> {
    const eventId = randomUUID();
    const targets = (await this.endpoints.listEnabled(tx, [tenantId])).filter(
      (t) => t.endpointId !== aboutEndpointId && filterMatches(t.eventTypes, type),
    );
    await this.deliveries.insertMany(
      tx,
      targets.map((t) => ({
        tenantId,
        deliveryId: randomUUID(),
        endpointId: t.endpointId,
        eventId,
        eventType: type,
        orderId: null,
        streamId: eventId,
        orderVersion: 0,
        occurredAt: now,
        nextAttemptAt: now,
        facts,
      })),
    );
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}
