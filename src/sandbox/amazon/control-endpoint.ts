import type { IncomingMessage, ServerResponse } from 'node:http';
import { ManualClock, type Clock } from '../../platform/clock/clock';
import type { AmazonSimulator } from './amazon-simulator';
import { isFaultKind, type FaultTarget } from './faults';
import { readBody, sendJson } from './http-io';
import { MALFORMATION_KINDS } from './malformations';
import { isoSeconds } from './order-projection';
import type { AddOrdersOptions } from './scenario';
import type { MalformationKind, SimOrder } from './sim-model';
import { FULFILLED_BY, FULFILLMENT_STATUSES, type CancelledBy } from './wire-types';

/** Amazon has no path starting with an underscore segment, so nothing real can land here. */
export const CONTROL_PREFIX = '/_sim';

/**
 * The scenario API as JSON over HTTP, for the demo and for tests in another process. Route
 * names follow the eBay simulator's control surface so one driver can steer both:
 *
 *   POST /_sim/sellers                          {marketplaceIds, sellingPartnerId?, region?, piiRoles?, clientId?}
 *   POST /_sim/sellers/{id}/authorization-codes {clientId?}            → {code}
 *   POST /_sim/sellers/{id}/orders              {count?, marketplaceId?, fulfilledBy?, status?, createdAt?}
 *   GET  /_sim/orders/{orderId}
 *   POST /_sim/orders/{orderId}/ship | /deliver | /cancel {by?, reason?}
 *   POST /_sim/orders/{orderId}/malformed       {kind}   (kind null repairs)
 *   POST /_sim/refresh-tokens/revoke            {refreshToken}
 *   POST /_sim/access-tokens/expire             {sellingPartnerId?}     → {expired: n}
 *   POST /_sim/faults                           {count, kind, target?: 'sp-api'|'lwa'}
 *   POST /_sim/faults/serve-page-twice
 *   DELETE /_sim/faults
 *   POST /_sim/usage-plans/refill
 *   GET  /_sim/requests                                  → {lwaCalls, requests}
 *   POST /_sim/observations/reset
 *   GET  /_sim/clock;  POST /_sim/clock/advance {ms}   (ManualClock only)
 *
 * Order summaries carry no buyer data, so the demo can print them.
 */
export async function handleControl(
  sim: AmazonSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const segments = url.pathname.slice(CONTROL_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? 'GET';
  let body: Record<string, unknown> = {};
  if (method === 'POST') {
    const raw = await readBody(req);
    if (raw.trim()) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { error: 'The body must be a JSON object.' });
      }
    }
  }
  try {
    const result = route(sim, method, segments, body);
    if (result === undefined) return sendJson(res, 404, { error: `No control route ${method} ${url.pathname}` });
    sendJson(res, result.status ?? 200, result.body);
  } catch (err) {
    sendJson(res, 400, { error: err instanceof Error ? err.message : String(err) });
  }
}

type Result = { status?: number; body: unknown } | undefined;

function route(sim: AmazonSimulator, method: string, s: string[], body: Record<string, unknown>): Result {
  const [head, id, action] = s;
  if (method === 'POST' && head === 'sellers' && s.length === 1) {
    const added = sim.addSeller({
      marketplaceIds: stringList(body.marketplaceIds, 'marketplaceIds'),
      ...optionalString(body, 'sellingPartnerId'),
      ...optionalString(body, 'clientId'),
      ...(body.region !== undefined ? { region: oneOf(body.region, ['na', 'eu', 'fe'] as const, 'region') } : {}),
      ...(body.piiRoles !== undefined ? { piiRoles: bool(body.piiRoles, 'piiRoles') } : {}),
    });
    return { status: 201, body: added };
  }
  if (method === 'POST' && head === 'sellers' && id && action === 'authorization-codes' && s.length === 3) {
    const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
    return { status: 201, body: { code: sim.issueAuthorizationCode(id, clientId) } };
  }
  if (method === 'POST' && head === 'sellers' && id && action === 'orders' && s.length === 3) {
    const count = body.count === undefined ? 1 : integer(body.count, 'count');
    const options: AddOrdersOptions = {
      ...optionalString(body, 'marketplaceId'),
      ...(body.fulfilledBy !== undefined ? { fulfilledBy: oneOf(body.fulfilledBy, FULFILLED_BY, 'fulfilledBy') } : {}),
      ...(body.status !== undefined ? { status: oneOf(body.status, FULFILLMENT_STATUSES, 'status') } : {}),
      ...(body.createdAt !== undefined ? { createdAt: timestamp(body.createdAt, 'createdAt') } : {}),
    };
    return { status: 201, body: { orders: sim.addOrders(id, count, options).map(summary) } };
  }
  if (head === 'orders' && id) {
    if (method === 'GET' && s.length === 2) return { body: summary(sim.order(id)) };
    if (method === 'POST' && s.length === 3) {
      switch (action) {
        case 'ship':
          return { body: summary(sim.ship(id)) };
        case 'deliver':
          return { body: summary(sim.deliver(id)) };
        case 'cancel': {
          const by = body.by === undefined ? undefined : oneOf(body.by, ['BUYER', 'MERCHANT', 'AMAZON'] as const, 'by');
          const reason = typeof body.reason === 'string' ? body.reason : undefined;
          return { body: summary(sim.cancel(id, by as CancelledBy | undefined, reason)) };
        }
        case 'malformed':
          if (body.kind === null) sim.repairOrder(id);
          else sim.makeOrderMalformed(id, oneOf(body.kind, MALFORMATION_KINDS, 'kind') as MalformationKind);
          return { body: summary(sim.order(id)) };
      }
    }
  }
  if (method === 'POST' && head === 'refresh-tokens' && id === 'revoke' && s.length === 2) {
    if (typeof body.refreshToken !== 'string') throw new Error('refreshToken must be a string');
    sim.revokeRefreshToken(body.refreshToken);
    return { body: { revoked: true } };
  }
  if (method === 'POST' && head === 'access-tokens' && id === 'expire' && s.length === 2) {
    return { body: { expired: sim.expireAccessTokens(optionalString(body, 'sellingPartnerId')) } };
  }
  if (method === 'POST' && head === 'faults' && s.length === 1) {
    if (!isFaultKind(body.kind)) throw new Error(`kind must be a fault kind`);
    const target = body.target === undefined ? 'sp-api' : oneOf(body.target, ['sp-api', 'lwa'] as const, 'target');
    const count = body.count === undefined ? 1 : integer(body.count, 'count');
    sim.failNextRequests(count, body.kind, target as FaultTarget);
    return { body: { queued: count, kind: body.kind, target } };
  }
  if (method === 'POST' && head === 'faults' && id === 'serve-page-twice' && s.length === 2) {
    sim.servePageTwice();
    return { body: { armed: true } };
  }
  if (method === 'DELETE' && head === 'faults' && s.length === 1) {
    sim.clearFaults();
    return { body: { cleared: true } };
  }
  if (method === 'POST' && head === 'usage-plans' && id === 'refill' && s.length === 2) {
    sim.refillUsagePlans();
    return { body: { refilled: true } };
  }
  if (method === 'GET' && head === 'requests' && s.length === 1) {
    return { body: { lwaCalls: sim.lwaCalls, requests: sim.requests } };
  }
  if (method === 'POST' && head === 'observations' && id === 'reset' && s.length === 2) {
    sim.resetObservations();
    return { body: { reset: true } };
  }
  if (head === 'clock' && (s.length === 1 || id === 'advance')) return clockRoute(sim.controlClock, method, s, body);
  return undefined;
}

/** Only a ManualClock can be moved; the demo shares it with the rest of the process. */
function clockRoute(clock: Clock, method: string, s: string[], body: Record<string, unknown>): Result {
  if (method === 'GET' && s.length === 1) return { body: { now: clock.now().toISOString() } };
  if (method === 'POST' && s.length === 2) {
    if (!(clock instanceof ManualClock)) throw new Error('The simulator clock is not a ManualClock');
    const ms = body.ms;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new Error('ms must be a non-negative number');
    return { body: { now: clock.advance(ms).toISOString() } };
  }
  return undefined;
}

function summary(order: Readonly<SimOrder>) {
  return {
    orderId: order.orderId,
    sellingPartnerId: order.sellingPartnerId,
    marketplaceId: order.marketplaceId,
    fulfilledBy: order.fulfilledBy,
    status: order.status,
    buyerIndex: order.buyerIndex,
    itemCount: order.items.length,
    createdTime: isoSeconds(order.createdTime),
    lastUpdatedTime: isoSeconds(order.lastUpdatedTime),
    ...(order.malformation ? { malformation: order.malformation } : {}),
  };
}

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error(`${name} must be an array of strings`);
  return value as string[];
}

function optionalString<K extends string>(body: Record<string, unknown>, key: K): Partial<Record<K, string>> {
  const value = body[key];
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new Error(`${key} must be a string`);
  return { [key]: value } as Partial<Record<K, string>>;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function integer(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer`);
  return value;
}

function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${name} must be a boolean`);
  return value;
}

function timestamp(value: unknown, name: string): string | number {
  if ((typeof value !== 'string' && typeof value !== 'number') || Number.isNaN(new Date(value).getTime())) {
    throw new Error(`${name} must be an ISO 8601 string or epoch milliseconds`);
  }
  return value;
}
