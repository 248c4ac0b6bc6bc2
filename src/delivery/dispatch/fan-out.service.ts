import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OrdersService } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { EndpointsRepository } from '../endpoints/endpoints.repository';
import { filterMatches } from '../event-types';
import { DeliveriesRepository, type NewDelivery } from './deliveries.repository';

export const FAN_OUT_BATCH = 500;

export interface FanOutResult {
  /** Outbox events marked dispatched. */
  readonly events: number;
  /** Deliveries queued for them. */
  readonly deliveries: number;
}

/**
 * Turns committed outbox events into deliveries: one per (enabled endpoint
 * whose filter matches, event), inserted in the transaction that marks the
 * events dispatched, so an event is fanned out exactly once. Events are claimed
 * with `FOR UPDATE SKIP LOCKED`: fan-outs on several replicas split the work.
 */
@Injectable()
export class FanOutService {
  constructor(
    private readonly orders: OrdersService,
    private readonly endpoints: EndpointsRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  /** One batch; returns what it did (zero events: nothing was pending). */
  fanOutBatch(limit = FAN_OUT_BATCH): Promise<FanOutResult> {
    return this.tx.run(async (tx) => {
      const events = await this.orders.claimPendingEvents(tx, limit);
      if (!events.length) return { events: 0, deliveries: 0 };
      const now = this.clock.now();
      const endpoints = await this.endpoints.listEnabled(tx, [...new Set(events.map((e) => e.tenantId))]);
      const rows: NewDelivery[] = [];
      for (const event of events) {
        for (const endpoint of endpoints) {
          if (endpoint.tenantId !== event.tenantId || !filterMatches(endpoint.eventTypes, event.type)) continue;
          rows.push({
            tenantId: event.tenantId,
            deliveryId: randomUUID(),
            endpointId: endpoint.endpointId,
            eventId: event.eventId,
            eventType: event.type,
            orderId: event.orderId,
            streamId: event.orderId,
            orderVersion: event.orderVersion,
            occurredAt: event.occurredAt,
            nextAttemptAt: now,
          });
        }
      }
      const inserted = await this.deliveries.insertMany(tx, rows);
      await this.orders.markEventsDispatched(tx, events, now);
      return { events: events.length, deliveries: inserted };
    });
  }

  /**
   * The events of the tenant since `since` that the endpoint's filter matches and that it has no delivery of
   * (fanned out while it was disabled), queued for it now, in event order; their (endpoint, order) queues keep
   * their version order. Events already purged from the outbox are past recovery. Returns how many were queued.
   */
  queueMissed(tenantId: string, endpointId: string, since: Date): Promise<number> {
    return this.missedEvents(tenantId, endpointId, since, 'queue');
  }

  /** How many events `queueMissed` would queue now. */
  countMissed(tenantId: string, endpointId: string, since: Date): Promise<number> {
    return this.missedEvents(tenantId, endpointId, since, 'count');
  }

  private async missedEvents(
    tenantId: string,
    endpointId: string,
    since: Date,
    mode: 'count' | 'queue',
  ): Promise<number> {
    let afterSeq = '0';
    let queued = 0;
    for (;;) {
      const r = await this.tx.run(async (tx) => {
        const endpoint = await this.endpoints.findLive(tenantId, endpointId, tx);
        if (!endpoint) return { queued: 0, events: 0, lastSeq: afterSeq };
        const events = await this.orders.dispatchedEventsSince(tx, tenantId, since, afterSeq, FAN_OUT_BATCH);
        const now = this.clock.now();
        const rows: NewDelivery[] = events
          .filter((e) => filterMatches(endpoint.eventTypes, e.type))
          .map((e) => ({
            tenantId,
            deliveryId: randomUUID(),
            endpointId,
            eventId: e.eventId,
            eventType: e.type,
            orderId: e.orderId,
            streamId: e.orderId,
            orderVersion: e.orderVersion,
            occurredAt: e.occurredAt,
            nextAttemptAt: now,
          }));
        // One already queued for the same (endpoint, event) is left as it is.
        const missing =
          mode === 'queue'
            ? await this.deliveries.insertMany(tx, rows)
            : await this.deliveries
                .eventsQueuedFor(
                  tx,
                  tenantId,
                  endpointId,
                  rows.map((r) => r.eventId),
                )
                .then((queued) => rows.length - queued.size);
        return {
          queued: missing,
          events: events.length,
          lastSeq: events.at(-1)?.seq ?? afterSeq,
        };
      });
      queued += r.queued;
      if (r.events < FAN_OUT_BATCH) return queued;
      afterSeq = r.lastSeq;
    }
  }

  /** Batches until nothing is pending (or `maxBatches` ran). */
  async fanOutAll(maxBatches = 1000): Promise<FanOutResult> {
    let events = 0;
    let deliveries = 0;
    for (let i = 0; i < maxBatches; i++) {
      const r = await this.fanOutBatch();
      events += r.events;
      deliveries += r.deliveries;
      if (r.events === 0) break;
    }
    return { events, deliveries };
  }
}
