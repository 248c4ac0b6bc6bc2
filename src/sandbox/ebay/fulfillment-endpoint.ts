import { fulfillmentRequestError, restError, type SimResponse } from './ebay-errors';
import { encodeFilterForHref, parseOrderFilter, type OrderFilter } from './filter-grammar';
import type { OrderBook, StoredOrder } from './order-book';
import { projectOrder } from './order-projection';
import type { OrderSearchPagedCollection } from './wire-types';

export const FULFILLMENT_BASE_PATH = '/sell/fulfillment/v1';

export interface FulfillmentContext {
  book: OrderBook;
  sellerId: string;
  nowMs: number;
  /** `https://api.ebay.com` (or the eBay host the client named), used for href/next/prev. */
  publicOrigin: string;
  emailVisibleDays: number;
  piiVisibleDays: number;
  /** Serve `orders` absent instead of [] when a page is empty (undocumented either way, §1.4). */
  omitEmptyOrders: boolean;
}

const DAY = 86_400_000;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const MAX_ORDER_IDS = 50;
/** With no filter, getOrders returns "all orders created within the last 90 days" (spec getOrders). */
const DEFAULT_WINDOW_MS = 90 * DAY;

/** Only TAX_BREAKDOWN exists (reference §1.2); anything else is 32800 with the spec's message. */
function parseFieldGroups(raw: string | null): { ok: true; taxBreakdown: boolean } | { ok: false; error: SimResponse } {
  if (raw === null || raw === '') return { ok: true, taxBreakdown: false };
  for (const group of raw.split(',')) {
    if (group.trim() !== 'TAX_BREAKDOWN') {
      return {
        ok: false,
        error: fulfillmentRequestError(32800, `Invalid field group: ${group}`, [{ name: 'fieldGroups', value: group }]),
      };
    }
  }
  return { ok: true, taxBreakdown: true };
}

function matches(stored: StoredOrder, filter: OrderFilter, nowMs: number): boolean {
  const { order } = stored;
  // "If creationdate and lastmodifieddate are both included, only creationdate is used." (spec)
  const byCreation = filter.creationdate ?? (filter.lastmodifieddate ? undefined : { from: nowMs - DEFAULT_WINDOW_MS });
  const range = byCreation ?? filter.lastmodifieddate;
  const field = byCreation ? order.creationDate : order.lastModifiedDate;
  if (range) {
    const t = Date.parse(field);
    // Both bounds inclusive (spec: "between the given timestamps, inclusive").
    if (t < range.from || (range.to !== undefined && t > range.to)) return false;
  }
  if (filter.orderfulfillmentstatus && !filter.orderfulfillmentstatus.includes(order.orderFulfillmentStatus)) {
    return false;
  }
  return true;
}

/**
 * Newest first by creationDate, as both real captures came back (reference §1.4), although the spec
 * text claims oldest first. With offset paging this means a page boundary moves whenever a matching
 * order appears or drops out of the window, which the sync has to survive.
 */
function newestFirst(a: StoredOrder, b: StoredOrder): number {
  const d = Date.parse(b.order.creationDate) - Date.parse(a.order.creationDate);
  return d !== 0 ? d : b.order.orderId < a.order.orderId ? -1 : b.order.orderId > a.order.orderId ? 1 : 0;
}

function pageHref(origin: string, filter: string | undefined, limit: number, offset: number): string {
  const parts = [...(filter ? [`filter=${encodeFilterForHref(filter)}`] : []), `limit=${limit}`, `offset=${offset}`];
  return `${origin}${FULFILLMENT_BASE_PATH}/order?${parts.join('&')}`;
}

/** GET /sell/fulfillment/v1/order (reference §1.2, §1.4). */
export function handleGetOrders(ctx: FulfillmentContext, query: URLSearchParams): SimResponse {
  const view = (stored: StoredOrder, taxBreakdown: boolean) =>
    projectOrder(stored.order, {
      nowMs: ctx.nowMs,
      view: 'getOrders',
      taxBreakdown,
      emailVisibleDays: ctx.emailVisibleDays,
      piiVisibleDays: ctx.piiVisibleDays,
      malformations: stored.malformations,
    });
  const visible = ctx.book.forSeller(ctx.sellerId);

  const orderIdsRaw = query.get('orderIds');
  if (orderIdsRaw !== null && orderIdsRaw.trim() !== '') {
    // "If one or more order ID values are specified … all other query parameters will be ignored."
    const ids = orderIdsRaw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (ids.length > MAX_ORDER_IDS) {
      return fulfillmentRequestError(
        30900,
        `Exceeded maximum number of order IDs (the current limit is ${MAX_ORDER_IDS})`,
      );
    }
    const found = ids
      .map((id) => visible.find((s) => s.order.orderId === id))
      .filter((s): s is StoredOrder => s !== undefined);
    const body: OrderSearchPagedCollection = {
      href: `${ctx.publicOrigin}${FULFILLMENT_BASE_PATH}/order?orderIds=${ids.join(',')}`,
      total: found.length,
      limit: DEFAULT_LIMIT,
      offset: 0,
      orders: found.map((s) => view(s, false)),
    };
    return { status: 200, body: withOrders(body, ctx.omitEmptyOrders) };
  }

  const groups = parseFieldGroups(query.get('fieldGroups'));
  if (!groups.ok) return groups.error;

  const filterRaw = query.get('filter') ?? '';
  let filter: OrderFilter = {};
  if (filterRaw.trim() !== '') {
    const parsed = parseOrderFilter(filterRaw, ctx.nowMs);
    if (!parsed.ok) return parsed.error;
    filter = parsed.filter;
  }

  const limitRaw = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitRaw !== null) {
    limit = /^\d+$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return fulfillmentRequestError(31100, `Invalid limit: ${limitRaw}`, [{ name: 'limit', value: limitRaw }]);
    }
  }
  const offsetRaw = query.get('offset');
  let offset = 0;
  if (offsetRaw !== null) {
    offset = /^\d+$/.test(offsetRaw) ? Number(offsetRaw) : NaN;
    if (!Number.isSafeInteger(offset)) {
      return fulfillmentRequestError(31000, `Invalid offset: ${offsetRaw}`, [{ name: 'offset', value: offsetRaw }]);
    }
  }

  const selected = visible.filter((s) => matches(s, filter, ctx.nowMs)).sort(newestFirst);
  const page = selected.slice(offset, offset + limit);
  const filterForHref = filterRaw.trim() !== '' ? filterRaw : undefined;
  const body: OrderSearchPagedCollection = {
    href: pageHref(ctx.publicOrigin, filterForHref, limit, offset),
    total: selected.length,
    ...(offset + limit < selected.length
      ? { next: pageHref(ctx.publicOrigin, filterForHref, limit, offset + limit) }
      : {}),
    ...(offset > 0 ? { prev: pageHref(ctx.publicOrigin, filterForHref, limit, Math.max(0, offset - limit)) } : {}),
    limit,
    offset,
    orders: page.map((s) => view(s, groups.taxBreakdown)),
  };
  return { status: 200, body: withOrders(body, ctx.omitEmptyOrders) };
}

function withOrders(body: OrderSearchPagedCollection, omitEmpty: boolean): OrderSearchPagedCollection {
  if (omitEmpty && body.orders?.length === 0) delete body.orders;
  return body;
}

/**
 * The 404 body a public fixture shows for an unknown order (reference §1.3,
 * errors.404-getOrder-unknown.observed.json). Another seller's order gets the same answer.
 */
export const unknownOrder = (): SimResponse =>
  restError(404, { errorId: 32100, domain: 'API_FULFILLMENT', category: 'REQUEST', message: 'Invalid order ID' });

/** GET /sell/fulfillment/v1/order/{orderId} (reference §1.3). */
export function handleGetOrder(ctx: FulfillmentContext, orderId: string, query: URLSearchParams): SimResponse {
  const groups = parseFieldGroups(query.get('fieldGroups'));
  if (!groups.ok) return groups.error;
  const stored = ctx.book.forSeller(ctx.sellerId).find((s) => s.order.orderId === orderId);
  if (!stored) return unknownOrder();
  return {
    status: 200,
    body: projectOrder(stored.order, {
      nowMs: ctx.nowMs,
      view: 'getOrder',
      taxBreakdown: groups.taxBreakdown,
      emailVisibleDays: ctx.emailVisibleDays,
      piiVisibleDays: ctx.piiVisibleDays,
      malformations: stored.malformations,
    }),
  };
}
