import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { conflict, notFound, validationFailed } from '../../platform/errors/domain-error';
import { parseInstant } from '../../platform/validation/instant';
import { isUuid } from '../../platform/validation/uuid';
import { EndpointsService } from '../endpoints/endpoints.service';
import { PING_EVENT_TYPE } from '../event-types';
import { DeliveriesRepository } from './deliveries.repository';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery.entity';
import {
  toAttemptView,
  toDeliveryView,
  toEndpointStatsView,
  type AttemptView,
  type DeliveryView,
  type EndpointStatsView,
} from './delivery.mapper';
import { DispatchWake } from './dispatch-wake';

/** `failed` stands for both failed states (retrying and given up). */
export const STATUS_FILTERS: readonly string[] = [...DELIVERY_STATUSES, 'failed'];
const FAILED: DeliveryStatus[] = ['failed_retrying', 'given_up'];

export interface DeliveryQuery {
  status?: string;
  eventType?: string;
  orderId?: string;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit?: number;
}

export interface DeliveryPage {
  items: DeliveryView[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** One delivery of an order to one endpoint, as a buyer's export lists it (no payload: ids, times, outcome). */
export interface OrderForwarding {
  readonly endpointId: string;
  readonly endpointUrl: string;
  readonly eventType: string;
  readonly orderVersion: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly lastAttemptAt: string | null;
  /** When the receiver took it (2xx); null while pending, retrying or given up. */
  readonly deliveredAt: string | null;
}

/** Reading deliveries, retrying one, and pinging an endpoint through the real pipeline. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly endpoints: EndpointsService,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    private readonly wake: DispatchWake,
  ) {}

  /**
   * When and to which endpoints each of these orders was forwarded (a buyer's data-subject export), in the
   * caller's transaction: every delivery still on record (finished ones are purged after OUTBOX_RETENTION_DAYS).
   */
  async forwardingOf(tx: Tx, tenantId: string, orderIds: readonly string[]): Promise<Map<string, OrderForwarding[]>> {
    const out = new Map<string, OrderForwarding[]>();
    for (const r of await this.deliveries.forOrders(tx, tenantId, orderIds)) {
      const list = out.get(r.order_id) ?? [];
      list.push({
        endpointId: r.endpoint_id,
        endpointUrl: r.endpoint_url,
        eventType: r.event_type,
        orderVersion: r.order_version,
        status: r.status,
        attempts: r.attempt_count,
        queuedAt: new Date(r.created_at).toISOString(),
        lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
        deliveredAt: r.status === 'succeeded' && r.completed_at ? new Date(r.completed_at).toISOString() : null,
      });
      out.set(r.order_id, list);
    }
    return out;
  }

  /** For operators: an endpoint's deliveries, named by the endpoint alone. */
  async listForOperator(endpointId: string, q: DeliveryQuery): Promise<DeliveryPage> {
    return this.list(await this.endpoints.tenantOf(endpointId), endpointId, q);
  }

  /** An endpoint's deliveries, newest first. */
  async list(tenantId: string, endpointId: string, q: DeliveryQuery): Promise<DeliveryPage> {
    await this.endpoints.get(tenantId, endpointId, 'staff');
    if (q.status !== undefined && !STATUS_FILTERS.includes(q.status)) {
      throw validationFailed('invalid status', [{ field: 'status', issue: `one of ${STATUS_FILTERS.join(', ')}` }]);
    }
    if (q.orderId !== undefined && !isUuid(q.orderId)) {
      throw validationFailed('invalid order id', [{ field: 'orderId', issue: 'a uuid' }]);
    }
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
    const rows = await this.deliveries.list(tenantId, {
      endpointId,
      statuses: q.status === undefined ? undefined : q.status === 'failed' ? FAILED : [q.status as DeliveryStatus],
      eventType: q.eventType,
      orderId: q.orderId,
      since: q.since,
      until: q.until,
      after: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toDeliveryView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return last ? { items, nextCursor: encodeCursor(last.createdAt, last.deliveryId) } : { items };
  }

  /** An endpoint's success and failure counts over 1 h / 24 h / 7 d, last success and backlog (readers as for deliveries). */
  async stats(tenantId: string, endpointId: string): Promise<EndpointStatsView> {
    await this.endpoints.get(tenantId, endpointId, 'staff');
    const now = this.clock.now();
    return toEndpointStatsView(endpointId, await this.deliveries.endpointStats(tenantId, endpointId, now), now);
  }

  async get(tenantId: string, deliveryId: string): Promise<DeliveryView & { attempts: AttemptView[] }> {
    const d = isUuid(deliveryId) ? await this.deliveries.findOne(tenantId, deliveryId) : null;
    if (!d) throw notFound('delivery');
    const attempts = await this.deliveries.attemptsOf(tenantId, deliveryId);
    return { ...toDeliveryView(d), attempts: attempts.map(toAttemptView) };
  }

  /**
   * Sends a delivery again now, whatever its state (a succeeded one too: the
   * receiver asked for it). Its place in its order's queue is kept: an earlier
   * version still open goes first.
   */
  async retry(tenantId: string, deliveryId: string): Promise<DeliveryView> {
    const d = isUuid(deliveryId) ? await this.deliveries.findOne(tenantId, deliveryId) : null;
    if (!d) throw notFound('delivery');
    const made = await this.tx.run((tx) => this.deliveries.makeDue(tx, tenantId, deliveryId, this.clock.now()));
    if (!made) throw conflict('the delivery is being sent right now');
    this.wake.wake();
    return toDeliveryView((await this.deliveries.findOne(tenantId, deliveryId))!);
  }

  /** Queues a `ping` to the endpoint; it goes through the dispatcher like any event. */
  async ping(tenantId: string, endpointId: string): Promise<DeliveryView> {
    const endpoint = await this.endpoints.get(tenantId, endpointId, 'owner');
    if (!endpoint.enabled) throw conflict('the endpoint is disabled; enable it to send a ping');
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    const now = this.clock.now();
    await this.tx.run((tx) =>
      this.deliveries.insertMany(tx, [
        {
          tenantId,
          deliveryId,
          endpointId,
          eventId,
          eventType: PING_EVENT_TYPE,
          orderId: null,
          streamId: eventId,
          orderVersion: 0,
          occurredAt: now,
          nextAttemptAt: now,
        },
      ]),
    );
    this.wake.wake();
    return toDeliveryView((await this.deliveries.findOne(tenantId, deliveryId))!);
  }
}

function encodeCursor(createdAt: Date, deliveryId: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${deliveryId}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; deliveryId: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = parseInstant(at ?? '');
  if (!id || !isUuid(id) || !createdAt) {
    throw validationFailed('cursor is not one this API issued', [{ field: 'cursor', issue: 'invalid' }]);
  }
  return { createdAt, deliveryId: id };
}
