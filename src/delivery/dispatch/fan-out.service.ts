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
