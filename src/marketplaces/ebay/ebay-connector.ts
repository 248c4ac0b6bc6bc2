import { Injectable } from '@nestjs/common';
import type eBayApi from 'ebay-api';
import { Clock } from '../../platform/clock/clock';
import type { CanonicalOrder } from '../canonical-order';
import type {
  ConnectorContext,
  FetchedPage,
  MarketplaceConnector,
  RejectedOrder,
  SyncWindow,
  UsagePlan,
} from '../marketplace-connector';
import { isRejected } from '../marketplace-connector';
import { MarketplaceError } from '../marketplace-error';
import { ClientCache } from '../transport/client-cache';
import { readWithStaleSocketRetry } from '../transport/stale-socket';
import { EbayClientFactory } from './ebay-client.factory';
import { ebayError } from './ebay-errors';
import { mapEbayOrder } from './ebay-order.mapper';

const PAGE_LIMIT = 200;
/**
 * getOrders always returns `cancelRequests: []` and never the buyer's tax
 * identifier; getOrder has both. Orders whose cancellation is requested or done
 * are re-read one by one (at most this many per page, to bound calls against the
 * daily quota); the rest of the page keeps what getOrders said.
 */
const MAX_CANCELLATION_REFRESHES_PER_PAGE = 25;
/** User access tokens live two hours; renew ahead so calls never race the expiry. */
const ACCESS_TOKEN_TTL_MS = 7200_000;
const ACCESS_TOKEN_MARGIN_MS = 10 * 60_000;
/** eBay rejects windows that end in the future; stay clear of clock skew. */
const MIN_DISTANCE_FROM_NOW_MS = 30_000;

/**
 * Position within a window: the offset to read next and the total the previous
 * page reported. getOrders pages by offset over a list that shifts when an order
 * of the window is modified again (it leaves the window); a smaller total tells
 * us by how much to step back so nothing is skipped.
 */
interface EbayPosition {
  offset: number;
  total: number | null;
}

/** eBay Sell Fulfillment API v1 through the real `ebay-api` client. */
@Injectable()
export class EbayConnector implements MarketplaceConnector {
  readonly marketplace = 'ebay' as const;
  readonly pageOperation = 'getOrders';
  readonly orderOperation = 'getOrder';
  private readonly clients: ClientCache<eBayApi>;

  constructor(factory: EbayClientFactory, clock: Clock) {
    this.clients = new ClientCache<eBayApi>(
      clock,
      ACCESS_TOKEN_TTL_MS - ACCESS_TOKEN_MARGIN_MS,
      (ctx, lease) => {
        const api = factory.create(ctx.region, ctx.credentials);
        api.OAuth2.setCredentials({ access_token: '', refresh_token: ctx.credentials.refreshToken, expires_in: 0 });
        // Fires for our own refreshes and for the client's reactive one after a 401.
        api.OAuth2.on('refreshAuthToken', () => lease.renewed());
        return api;
      },
      async (api) => {
        try {
          await api.OAuth2.refreshUserAccessToken();
        } catch (err) {
          throw ebayError(err, false);
        }
      },
    );
  }

  /** eBay publishes daily call limits, not rates: spread the 100,000/day Fulfillment quota. */
  usagePlan(_operation: string): UsagePlan {
    return { rate: 1, burst: 10 };
  }

  maxWindowEnd(now: Date): Date {
    return new Date(now.getTime() - MIN_DISTANCE_FROM_NOW_MS);
  }

  async fetchPage(ctx: ConnectorContext, window: SyncWindow, position: string | null): Promise<FetchedPage> {
    const pos = parsePosition(position);
    const api = await this.ready(ctx);
    let res: { total?: unknown; orders?: unknown; next?: unknown; offset?: unknown; href?: unknown };
    try {
      res = await readWithStaleSocketRetry(() =>
        api.sell.fulfillment.getOrders({
          filter: `lastmodifieddate:[${window.from.toISOString()}..${window.to.toISOString()}]`,
          limit: PAGE_LIMIT,
          offset: pos.offset,
        }),
      );
    } catch (err) {
      throw ebayError(err, pos.offset > 0);
    }
    // The page must answer the request we made. Offsets are computed from the offset we asked for, so
    // a replayed page (another offset, or another window's) made us step over orders never read.
    // getOrders echoes `offset` and the filter in `href`: a mismatch is a stale page, retried later.
    if (!answersRequest(res, pos.offset, window)) {
      throw new MarketplaceError('temporary', 'stale_page', 'getOrders answered another page than requested');
    }
    const total = typeof res?.total === 'number' && res.total >= 0 ? res.total : null;
    if (total === null) throw new MarketplaceError('temporary', 'bad_page', 'getOrders response has no total');
    const raw = res.orders === undefined ? [] : res.orders;
    if (!Array.isArray(raw)) throw new MarketplaceError('temporary', 'bad_page', 'getOrders orders is not an array');
    const orders: CanonicalOrder[] = [];
    const rejected: RejectedOrder[] = [];
    for (const item of raw) {
      const mapped = mapEbayOrder(item);
      if (isRejected(mapped)) rejected.push(mapped);
      else orders.push(mapped);
    }
    await this.refreshCancellations(api, raw, orders);
    let next: EbayPosition | null = null;
    const shrunk = pos.total !== null && total < pos.total ? pos.total - total : 0;
    if (shrunk > 0) {
      // Orders before our offset left the window while we paged: step back over the gap.
      next = { offset: Math.max(0, pos.offset - shrunk), total };
    } else if (res.next && pos.offset + raw.length < total && raw.length > 0) {
      next = { offset: pos.offset + raw.length, total };
    }
    return { orders, rejected, nextPosition: next ? JSON.stringify(next) : null };
  }

  async fetchOrder(ctx: ConnectorContext, marketplaceOrderId: string): Promise<CanonicalOrder> {
    const api = await this.ready(ctx);
    let raw: unknown;
    try {
      raw = await readWithStaleSocketRetry(() => api.sell.fulfillment.getOrder(encodeURIComponent(marketplaceOrderId)));
    } catch (err) {
      throw ebayError(err, false);
    }
    const mapped = mapEbayOrder(raw);
    if (isRejected(mapped)) throw new MarketplaceError('bad_data', 'bad_order', mapped.reasonDetail);
    return mapped;
  }

  /** Replaces cancelled or cancel-requested orders with their getOrder version (see the constant above). */
  private async refreshCancellations(api: eBayApi, raw: unknown[], orders: CanonicalOrder[]): Promise<void> {
    const wanted = new Set(
      raw
        .filter((r): r is { orderId: string; cancelStatus: { cancelState: string } } => {
          const state = (r as { cancelStatus?: { cancelState?: unknown } })?.cancelStatus?.cancelState;
          return (
            (state === 'IN_PROGRESS' || state === 'CANCELED') &&
            typeof (r as { orderId?: unknown }).orderId === 'string'
          );
        })
        .map((r) => r.orderId)
        .slice(0, MAX_CANCELLATION_REFRESHES_PER_PAGE),
    );
    for (const [i, order] of orders.entries()) {
      if (!wanted.has(order.marketplaceOrderId)) continue;
      let detailed: unknown;
      try {
        detailed = await readWithStaleSocketRetry(() =>
          api.sell.fulfillment.getOrder(encodeURIComponent(order.marketplaceOrderId)),
        );
      } catch (err) {
        const mapped = ebayError(err, false);
        // Throttling or an outage for the detail read must not lose the page: the page's version stands.
        if (mapped.kind === 'rate_limited' || mapped.kind === 'temporary' || mapped.kind === 'not_found') continue;
        throw mapped;
      }
      const refreshed = mapEbayOrder(detailed);
      // Only a readable detail for the same order and at least as new replaces the page's version.
      if (
        !isRejected(refreshed) &&
        refreshed.marketplaceOrderId === order.marketplaceOrderId &&
        refreshed.lastUpdatedAt.getTime() >= order.lastUpdatedAt.getTime()
      ) {
        orders[i] = refreshed;
      }
    }
  }

  forget(connectionId: string): void {
    this.clients.forget(connectionId);
  }

  private async ready(ctx: ConnectorContext): Promise<eBayApi> {
    return (await this.clients.ready(ctx)).client;
  }
}

/**
 * False when the response names a different offset or a different lastmodifieddate range than asked.
 * Fields that are absent or unreadable are not held against the page (lenient on eBay's formatting).
 */
function answersRequest(res: { offset?: unknown; href?: unknown }, offset: number, window: SyncWindow): boolean {
  if (typeof res?.offset === 'number' && res.offset !== offset) return false;
  if (typeof res?.href !== 'string') return true;
  let filter: string | null;
  try {
    filter = new URL(res.href).searchParams.get('filter');
  } catch {
    return true;
  }
  const range = filter ? /lastmodifieddate:\[([^\]]*?)\.\.([^\]]*?)\]/.exec(filter) : null;
  if (!range) return true;
  const differs = (text: string, expected: Date) => {
    const at = Date.parse(text);
    return Number.isFinite(at) && at !== expected.getTime();
  };
  return !differs(range[1], window.from) && !differs(range[2], window.to);
}

function parsePosition(position: string | null): EbayPosition {
  if (!position) return { offset: 0, total: null };
  try {
    const p = JSON.parse(position) as EbayPosition;
    if (Number.isInteger(p.offset) && p.offset >= 0) return { offset: p.offset, total: p.total ?? null };
  } catch {
    // fall through
  }
  throw new MarketplaceError('cursor_invalid', 'bad_position', 'stored eBay page position is unreadable');
}
