/**
 * The events a receiver can get. Order events come from the outbox; `ping` is
 * sent on demand to one endpoint; operational events tell a tenant's other
 * endpoints that one of its endpoints is failing or was disabled. These strings
 * are part of the wire contract: never rename one, only add.
 */
export const ORDER_EVENT_TYPES = ['order.created', 'order.updated', 'order.cancelled'] as const;
export const OPERATIONAL_EVENT_TYPES = ['endpoint.failing', 'endpoint.disabled'] as const;
export const PING_EVENT_TYPE = 'ping';

export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** What an endpoint's filter may name. An empty filter means every order event (not operational ones). */
export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...ORDER_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES];

/** Whether an endpoint with this filter receives events of this type. */
export function filterMatches(filter: readonly string[], type: string): boolean {
  if (filter.length === 0) return (ORDER_EVENT_TYPES as readonly string[]).includes(type);
  return filter.includes(type);
}
