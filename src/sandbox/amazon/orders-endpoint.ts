import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../platform/clock/clock';
import { sendJson } from './http-io';
import type { LwaAuthority } from './lwa-authority';
import { malform } from './malformations';
import { regionOfHost } from './marketplaces';
import type { ObservedRequest } from './observations';
import { isoSeconds, projectOrder } from './order-projection';
import type { PageCursor, PaginationTokens } from './pagination-tokens';
import type { AmazonScenario } from './scenario';
import { parseIncludedData, parseSearchOrdersQuery, type SearchOrdersQuery } from './search-orders-query';
import type { SimOrder, SimSeller } from './sim-model';
import {
  ACCESS_DENIED,
  EXPIRED_TOKEN,
  INVALID_TOKEN,
  MISSING_TOKEN,
  QUOTA_EXCEEDED,
  invalidInput,
  notFound,
} from './sp-api-errors';
import { rateLimitHeader, type UsagePlan, type UsagePlanBuckets, type UsagePlanOperation } from './usage-plan';
import type { IncludedData } from './wire-types';

const SEARCH_PATH = '/orders/2026-01-01/orders';
const ORDER_PATH = /^\/orders\/2026-01-01\/orders\/([^/]+)$/;

export interface OrdersEndpointDeps {
  readonly clock: Clock;
  readonly scenario: AmazonScenario;
  readonly lwa: LwaAuthority;
  readonly buckets: UsagePlanBuckets;
  readonly tokens: PaginationTokens;
  readonly planFor: (seller: SimSeller, operation: UsagePlanOperation) => UsagePlan;
  /** True once after `servePageTwice()`: the page being sent must be sent again next time. */
  readonly takeDuplicatePage: () => boolean;
}

type Route = { operation: 'searchOrders' } | { operation: 'getOrder'; orderId: string };

/** Orders API v2026-01-01: searchOrders and getOrder (reference §1.2; model paths). */
export class OrdersEndpoint {
  /** The page `servePageTwice()` captured, served verbatim to the next searchOrders call. */
  private repeatPage: unknown;

  constructor(private readonly deps: OrdersEndpointDeps) {}

  handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: ObservedRequest,
    baseHeaders: Record<string, string>,
  ): void {
    const route = req.method === 'GET' ? matchRoute(url.pathname) : undefined;
    if (route) entry.operation = route.operation;

    // 403s never carry the rate header: it "should never be expected in the response to a
    // throttled, unauthorized, or unauthenticated request" (reference §3).
    const rawToken = req.headers['x-amz-access-token'];
    const token = Array.isArray(rawToken) ? rawToken[0] : rawToken;
    if (!token) return sendJson(res, 403, MISSING_TOKEN, baseHeaders);
    const check = this.deps.lwa.checkAccessToken(token);
    if (check.kind === 'invalid') return sendJson(res, 403, INVALID_TOKEN, baseHeaders);
    if (check.kind === 'expired') return sendJson(res, 403, EXPIRED_TOKEN, baseHeaders);
    if (check.kind === 'grantless') return sendJson(res, 403, ACCESS_DENIED, baseHeaders);
    const seller = this.deps.scenario.seller(check.sellingPartnerId);
    if (!seller) return sendJson(res, 403, INVALID_TOKEN, baseHeaders);
    entry.sellingPartnerId = seller.sellingPartnerId;

    if (!route) {
      return sendJson(
        res,
        404,
        notFound('The simulator serves only GET searchOrders and getOrder of the Orders API v2026-01-01.'),
        baseHeaders,
      );
    }
    // Authorizations are regional: a seller's data lives behind its region's host (reference §1.1 Hosts, §4.2).
    const hostRegion = regionOfHost(req.headers.host);
    if (hostRegion && hostRegion !== seller.region) return sendJson(res, 403, ACCESS_DENIED, baseHeaders);

    const plan = this.deps.planFor(seller, route.operation);
    if (!this.deps.buckets.take(seller.sellingPartnerId, route.operation, plan)) {
      return sendJson(res, 429, QUOTA_EXCEEDED, baseHeaders);
    }
    const headers = { ...baseHeaders, 'x-amzn-RateLimit-Limit': rateLimitHeader(plan) };
    if (route.operation === 'searchOrders') return this.searchOrders(res, url, seller, headers);
    return this.getOrder(res, url, route.orderId, seller, headers);
  }

  private searchOrders(res: ServerResponse, url: URL, seller: SimSeller, headers: Record<string, string>): void {
    if (this.repeatPage !== undefined) {
      const page = this.repeatPage;
      this.repeatPage = undefined;
      return sendJson(res, 200, page, headers);
    }
    const now = this.deps.clock.nowMs();
    const parsed = parseSearchOrdersQuery(url.searchParams, now);
    if (!parsed.ok) return sendJson(res, 400, invalidInput(parsed.details), headers);
    const query = parsed.value;
    const unknownMarketplace = query.marketplaceIds?.find((id) => !seller.marketplaceIds.includes(id));
    if (unknownMarketplace) {
      return sendJson(
        res,
        400,
        invalidInput(`Invalid marketplaceId '${unknownMarketplace}' for this seller.`),
        headers,
      );
    }

    let cursor: PageCursor;
    if (query.paginationToken) {
      const lookup = this.deps.tokens.resolve(query.paginationToken, seller.sellingPartnerId, query.filterKey);
      if (!lookup.ok) {
        const details =
          lookup.reason === 'query-mismatch'
            ? 'The paginationToken does not match the other request parameters; repeat them with the values of the first request.'
            : 'The paginationToken is invalid or has expired.';
        return sendJson(res, 400, invalidInput(details), headers);
      }
      cursor = lookup.cursor;
    } else {
      cursor = {
        sellingPartnerId: seller.sellingPartnerId,
        queryKey: query.filterKey,
        orderIds: this.matching(seller, query).map((o) => o.orderId),
        offset: 0,
        beforeField: query.timeField === 'created' ? 'createdBefore' : 'lastUpdatedBefore',
        beforeValue: isoSeconds(query.before),
        issuedAt: now,
      };
    }

    const end = cursor.offset + query.maxResultsPerPage;
    const orders = cursor.orderIds
      .slice(cursor.offset, end)
      .map((id) => this.deps.scenario.order(id))
      .filter((o): o is SimOrder => o !== undefined)
      .map((o) => this.wireOrder(o, seller, query.includedData, now));
    const nextToken =
      end < cursor.orderIds.length ? this.deps.tokens.issue({ ...cursor, offset: end, issuedAt: now }) : undefined;
    const body = {
      orders,
      ...(nextToken ? { pagination: { nextToken } } : {}),
      [cursor.beforeField]: cursor.beforeValue,
    };
    if (this.deps.takeDuplicatePage()) this.repeatPage = body;
    sendJson(res, 200, body, headers);
  }

  private getOrder(
    res: ServerResponse,
    url: URL,
    orderId: string,
    seller: SimSeller,
    headers: Record<string, string>,
  ): void {
    const included = parseIncludedData(url.searchParams);
    if (!included.ok) return sendJson(res, 400, invalidInput(included.details), headers);
    const order = this.deps.scenario.order(orderId);
    // Another seller's order is indistinguishable from a missing one.
    if (!order || order.sellingPartnerId !== seller.sellingPartnerId) {
      return sendJson(res, 404, notFound(`Order ${orderId} was not found.`), headers);
    }
    const wire = this.wireOrder(order, seller, included.value, this.deps.clock.nowMs());
    sendJson(res, 200, { order: wire }, headers);
  }

  /** Orders of the query's window in a stable order: (lastUpdatedTime, orderId). */
  private matching(seller: SimSeller, q: SearchOrdersQuery): SimOrder[] {
    const markets = q.marketplaceIds ? new Set(q.marketplaceIds) : undefined;
    const statuses = q.fulfillmentStatuses ? new Set(q.fulfillmentStatuses) : undefined;
    const by = q.fulfilledBy ? new Set(q.fulfilledBy) : undefined;
    return this.deps.scenario
      .ordersOf(seller.sellingPartnerId)
      .filter((o) => {
        const t = q.timeField === 'created' ? o.createdTime : o.lastUpdatedTime;
        if (t < q.after || t > q.before) return false;
        if (markets && !markets.has(o.marketplaceId)) return false;
        if (statuses && !statuses.has(o.status)) return false;
        if (by && !by.has(o.fulfilledBy)) return false;
        return true;
      })
      .sort(
        (a, b) => a.lastUpdatedTime - b.lastUpdatedTime || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0),
      );
  }

  private wireOrder(order: SimOrder, seller: SimSeller, included: ReadonlySet<IncludedData>, now: number): unknown {
    const wire = projectOrder(order, { included, piiRoles: seller.piiRoles, now });
    return order.malformation ? malform(wire, order.malformation) : wire;
  }
}

function matchRoute(pathname: string): Route | undefined {
  if (pathname === SEARCH_PATH) return { operation: 'searchOrders' };
  const match = ORDER_PATH.exec(pathname);
  if (!match) return undefined;
  try {
    return { operation: 'getOrder', orderId: decodeURIComponent(match[1]) };
  } catch {
    return undefined;
  }
}
