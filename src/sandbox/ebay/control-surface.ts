import { ManualClock, type Clock } from '../../platform/clock/clock';
import type { SignatureMode } from './account-deletion';
import type { SimResponse } from './ebay-errors';
import type { CancelOptions } from './order-book';
import type { EbaySimulator } from './ebay-simulator';
import { FAULT_KINDS, type FaultKind, type FaultTarget } from './faults';
import { MALFORMATION_KINDS, type MalformationKind } from './order-projection';
import type { EbayAccountType } from './user-endpoint';
import type { Order } from './wire-types';

/**
 * JSON control surface under /_sim/ (a prefix no eBay API uses), so a demo or an out-of-process test can
 * drive the same scenario verbs as the programmatic API. Unauthenticated: the server listens on
 * 127.0.0.1 only. Errors come back as 400/404 `{"error": "..."}`.
 *
 *   POST   /_sim/sellers                               {sellerId?, marketplaceId?, clientId?, scopes?}
 *   POST   /_sim/sellers/{sellerId}/authorization-codes {clientId, ruName, scopes}      → {code}
 *   POST   /_sim/sellers/{sellerId}/orders              {count?, createdAt?, spacingMs?, lineItems?, buyerIndex?}
 *   GET    /_sim/orders/{orderId}                       → stored order (before visibility windows)
 *   PATCH  /_sim/orders/{orderId}                       JSON merge patch (RFC 7396) of the stored order
 *   POST   /_sim/orders/{orderId}/ship | deliver | cancel | request-cancel
 *   POST   /_sim/orders/{orderId}/malformed             {kind}   (kind null repairs)
 *   POST   /_sim/refresh-tokens/revoke                  {refreshToken}
 *   POST   /_sim/access-tokens/expire                   {sellerId?}
 *   POST   /_sim/faults                                 {count, kind, target?}
 *   POST   /_sim/faults/serve-page-twice
 *   DELETE /_sim/faults
 *   PUT    /_sim/quota                                  {dailyQuota: number | null}
 *   GET    /_sim/requests | /_sim/token-calls | /_sim/notifications
 *   POST   /_sim/observations/reset
 *   POST   /_sim/account-deletion                       {targetUrl, username, userId, eiasToken, signature?}
 *   GET    /_sim/clock;  POST /_sim/clock/advance {ms}  (ManualClock only)
 */
export async function handleControlRequest(
  sim: EbaySimulator,
  clock: Clock,
  method: string,
  url: URL,
  rawBody: string,
): Promise<SimResponse> {
  let body: Record<string, unknown> = {};
  if (rawBody.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return bad('body must be a JSON object');
      body = parsed as Record<string, unknown>;
    } catch {
      return bad('body is not JSON');
    }
  }
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  try {
    return (
      (await route(sim, clock, method, parts, body)) ?? {
        status: 404,
        body: { error: `no control route ${method} ${url.pathname}` },
      }
    );
  } catch (error) {
    return bad(error instanceof Error ? error.message : String(error));
  }
}

const ok = (body: unknown): SimResponse => ({ status: 200, body });
const bad = (error: string): SimResponse => ({ status: 400, body: { error } });

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new Error(`${name} must be a non-empty string`);
  return v;
};
const optStr = (v: unknown, name: string): string | undefined => (v === undefined ? undefined : str(v, name));
const optNum = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name} must be a number`);
  return v;
};
const accountType = (v: unknown): EbayAccountType | undefined => {
  if (v === undefined) return undefined;
  if (v !== 'BUSINESS' && v !== 'INDIVIDUAL') throw new Error('accountType must be BUSINESS or INDIVIDUAL');
  return v;
};
const strArray = (v: unknown, name: string): string[] => {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw new Error(`${name} must be an array of strings`);
  return v as string[];
};

async function route(
  sim: EbaySimulator,
  clock: Clock,
  method: string,
  parts: string[],
  body: Record<string, unknown>,
): Promise<SimResponse | undefined> {
  const [head, id, action] = parts;
  const at = `${method} ${head ?? ''}${id !== undefined ? '/*' : ''}${action !== undefined ? `/${action}` : ''}`;
  switch (at) {
    case 'POST sellers':
      return ok(
        sim.addSeller({
          sellerId: optStr(body.sellerId, 'sellerId'),
          marketplaceId: optStr(body.marketplaceId, 'marketplaceId'),
          clientId: optStr(body.clientId, 'clientId'),
          scopes: body.scopes === undefined ? undefined : strArray(body.scopes, 'scopes'),
          userId: optStr(body.userId, 'userId'),
          accountType: accountType(body.accountType),
        }),
      );
    case 'POST sellers/*/authorization-codes':
      return ok({
        code: sim.issueAuthorizationCode(id, {
          clientId: str(body.clientId, 'clientId'),
          ruName: str(body.ruName, 'ruName'),
          scopes: strArray(body.scopes, 'scopes'),
        }),
      });
    case 'POST sellers/*/orders': {
      const options = {
        createdAt: optStr(body.createdAt, 'createdAt'),
        spacingMs: optNum(body.spacingMs, 'spacingMs'),
        lineItems: optNum(body.lineItems, 'lineItems'),
        buyerIndex: optNum(body.buyerIndex, 'buyerIndex'),
      };
      return ok({ orders: sim.addOrders(id, optNum(body.count, 'count') ?? 1, options) });
    }
    case 'GET orders/*': {
      const order = sim.order(id);
      return order ? ok(order) : { status: 404, body: { error: `unknown order ${id}` } };
    }
    case 'PATCH orders/*':
      return ok(sim.updateOrder(id, (order) => mergePatch(order, body)));
    case 'POST orders/*/ship':
      return ok(
        sim.ship(id, {
          lineItemIds: body.lineItemIds === undefined ? undefined : strArray(body.lineItemIds, 'lineItemIds'),
          trackingNumber: optStr(body.trackingNumber, 'trackingNumber'),
        }),
      );
    case 'POST orders/*/deliver':
      return ok({ deliveredAt: sim.deliver(id) });
    case 'POST orders/*/cancel':
      return ok(sim.cancel(id, cancelOptions(body)));
    case 'POST orders/*/request-cancel':
      return ok(sim.requestCancel(id, cancelOptions(body)));
    case 'POST orders/*/malformed': {
      if (body.kind === null) {
        sim.repairOrder(id);
        return ok({ orderId: id, kind: null });
      }
      const kind = str(body.kind, 'kind');
      if (!MALFORMATION_KINDS.includes(kind as MalformationKind)) throw new Error(`unknown malformation ${kind}`);
      sim.makeOrderMalformed(id, kind as MalformationKind);
      return ok({ orderId: id, kind });
    }
    case 'POST refresh-tokens/*':
      if (id !== 'revoke') return undefined;
      sim.revokeRefreshToken(str(body.refreshToken, 'refreshToken'));
      return ok({ revoked: true });
    case 'POST access-tokens/*':
      if (id !== 'expire') return undefined;
      return ok({ expired: sim.expireAccessTokens({ sellerId: optStr(body.sellerId, 'sellerId') }) });
    case 'POST faults': {
      const kind = str(body.kind, 'kind');
      if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`unknown fault kind ${kind}`);
      const target = (optStr(body.target, 'target') ?? 'api') as FaultTarget;
      if (!['api', 'identity', 'any'].includes(target)) throw new Error(`unknown fault target ${target}`);
      sim.failNextRequests(optNum(body.count, 'count') ?? 1, kind as FaultKind, target);
      return ok({ armed: true });
    }
    case 'POST faults/*':
      if (id !== 'serve-page-twice') return undefined;
      sim.servePageTwice();
      return ok({ armed: true });
    case 'DELETE faults':
      sim.clearFaults();
      return ok({ cleared: true });
    case 'PUT quota': {
      const limit = body.dailyQuota === null ? undefined : optNum(body.dailyQuota, 'dailyQuota');
      sim.setDailyQuota(limit);
      return ok({ dailyQuota: limit ?? null });
    }
    case 'GET requests':
      return ok(sim.requests);
    case 'GET token-calls':
      return ok(sim.tokenCalls);
    case 'GET notifications':
      return ok(sim.sentNotifications);
    case 'POST observations/*':
      if (id !== 'reset') return undefined;
      sim.resetObservations();
      return ok({ reset: true });
    case 'POST account-deletion': {
      const status = await sim.sendAccountDeletion(
        str(body.targetUrl, 'targetUrl'),
        {
          username: str(body.username, 'username'),
          userId: str(body.userId, 'userId'),
          eiasToken: str(body.eiasToken, 'eiasToken'),
        },
        { signature: (optStr(body.signature, 'signature') ?? 'valid') as SignatureMode },
      );
      return ok({ status });
    }
    case 'GET clock':
      return ok({ now: clock.now().toISOString() });
    case 'POST clock/*': {
      if (id !== 'advance') return undefined;
      if (!(clock instanceof ManualClock)) throw new Error('the simulator clock is not a ManualClock');
      const ms = optNum(body.ms, 'ms');
      if (ms === undefined) throw new Error('ms is required');
      return ok({ now: clock.advance(ms).toISOString() });
    }
    default:
      return undefined;
  }
}

function cancelOptions(body: Record<string, unknown>): CancelOptions {
  const initiator = optStr(body.initiator, 'initiator');
  if (initiator !== undefined && initiator !== 'Buyer' && initiator !== 'Seller')
    throw new Error('initiator must be Buyer or Seller');
  return { initiator: initiator as CancelOptions['initiator'], reason: optStr(body.reason, 'reason') };
}

/** RFC 7396 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
function mergePatch(target: Order, patch: Record<string, unknown>): void {
  const apply = (into: Record<string, unknown>, from: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(from)) {
      if (value === null) delete into[key];
      else if (typeof value === 'object' && !Array.isArray(value)) {
        const current = into[key];
        const next =
          typeof current === 'object' && current !== null && !Array.isArray(current)
            ? (current as Record<string, unknown>)
            : {};
        apply(next, value as Record<string, unknown>);
        into[key] = next;
      } else into[key] = value;
    }
  };
  apply(target as unknown as Record<string, unknown>, patch);
}
