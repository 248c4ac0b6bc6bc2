import type { EndpointStatsRow } from './deliveries.repository';
import type { DeliveryAttempt } from './delivery-attempt.entity';
import type { Delivery } from './delivery.entity';

export interface DeliveryView {
  deliveryId: string;
  endpointId: string;
  /** The `webhook-id` every attempt carries. */
  eventId: string;
  eventType: string;
  orderId: string | null;
  orderVersion: number | null;
  status: string;
  attemptCount: number;
  /** When the next attempt is due (null once succeeded or given up). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  completedAt: string | null;
  createdAt: string;
}

/**
 * An attempt as shown. The receiver's answer is kept sealed (it may echo buyer
 * data) and never shown: only whether one was kept.
 */
export interface AttemptView {
  attemptNumber: number;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  result: string;
  nextAttemptAt: string | null;
  responseKept: boolean;
  /** False for an answer that came after the sender's lease was taken over (it changed nothing). */
  counted: boolean;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const OPEN = new Set(['pending', 'failed_retrying']);

export function toDeliveryView(d: Delivery): DeliveryView {
  return {
    deliveryId: d.deliveryId,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    orderId: d.orderId,
    orderVersion: d.orderId ? d.orderVersion : null,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: OPEN.has(d.status) ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastErrorClass: d.lastErrorClass,
    completedAt: iso(d.completedAt),
    createdAt: d.createdAt.toISOString(),
  };
}

export function toAttemptView(a: DeliveryAttempt): AttemptView {
  return {
    attemptNumber: a.attemptNumber,
    attemptedAt: a.attemptedAt.toISOString(),
    statusCode: a.statusCode,
    latencyMs: a.latencyMs,
    result: a.result,
    nextAttemptAt: iso(a.nextAttemptAt),
    responseKept: a.responseCiphertext !== null,
    counted: a.counted,
  };
}

/** Counted attempts in a window: a 2xx answer succeeded, anything else (no answer included) failed. */
export interface AttemptCounts {
  succeeded: number;
  failed: number;
}

export interface EndpointStatsView {
  endpointId: string;
  /** When the figures were taken. */
  at: string;
  attempts: { lastHour: AttemptCounts; last24Hours: AttemptCounts; last7Days: AttemptCounts };
  /** When a delivery last succeeded (null: never, or no longer kept). */
  lastSuccessAt: string | null;
  /** Deliveries not finished yet (pending or retrying), and how long the oldest has waited. */
  backlog: { pending: number; oldestPendingSince: string | null; oldestPendingAgeSeconds: number | null };
}

export function toEndpointStatsView(endpointId: string, r: EndpointStatsRow, now: Date): EndpointStatsView {
  const oldest = r.oldest_pending ? new Date(r.oldest_pending) : null;
  return {
    endpointId,
    at: now.toISOString(),
    attempts: {
      lastHour: { succeeded: r.ok_1h, failed: r.failed_1h },
      last24Hours: { succeeded: r.ok_24h, failed: r.failed_24h },
      last7Days: { succeeded: r.ok_7d, failed: r.failed_7d },
    },
    lastSuccessAt: r.last_success ? new Date(r.last_success).toISOString() : null,
    backlog: {
      pending: r.pending,
      oldestPendingSince: oldest ? oldest.toISOString() : null,
      oldestPendingAgeSeconds: oldest ? Math.max(0, Math.floor((now.getTime() - oldest.getTime()) / 1000)) : null,
    },
  };
}
