import { Injectable } from '@nestjs/common';
import type { SellingPartner } from 'amazon-sp-api';
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
import { AmazonClientFactory } from './amazon-client.factory';
import { amazonResponseError, amazonThrownError } from './amazon-errors';
import { mapAmazonOrder } from './amazon-order.mapper';
import { AMAZON_USAGE_PLANS } from './amazon-usage-plans';

/** Sections requested with every order: items are always included by the API. */
const INCLUDED_DATA = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES', 'TAX'];

/** LWA access tokens live one hour; renew a little early so a call never carries a dying token. */
const ACCESS_TOKEN_TTL_MS = 3600_000;
const ACCESS_TOKEN_MARGIN_MS = 120_000;

/** "lastUpdatedBefore must be at least two minutes before now"; keep a few seconds for clock skew. */
const MIN_DISTANCE_FROM_NOW_MS = 2 * 60_000 + 10_000;

interface RawResult {
  body: string;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Amazon Selling Partner API, Orders v2026-01-01, through the real `amazon-sp-api` client. */
@Injectable()
export class AmazonConnector implements MarketplaceConnector {
  readonly marketplace = 'amazon' as const;
  readonly pageOperation = 'searchOrders';
  readonly orderOperation = 'getOrder';
  private readonly clients: ClientCache<SellingPartner>;

  constructor(factory: AmazonClientFactory, clock: Clock) {
    this.clients = new ClientCache<SellingPartner>(
      clock,
      ACCESS_TOKEN_TTL_MS - ACCESS_TOKEN_MARGIN_MS,
      (ctx) => factory.create(ctx.region, ctx.credentials),
      async (sp) => {
        try {
          await sp.refreshAccessToken();
        } catch (err) {
          throw amazonThrownError(err);
        }
      },
    );
  }

  usagePlan(operation: string): UsagePlan {
    return AMAZON_USAGE_PLANS[operation] ?? { rate: 0.5, burst: 1 };
  }

  maxWindowEnd(now: Date): Date {
    return new Date(now.getTime() - MIN_DISTANCE_FROM_NOW_MS);
  }

  async fetchPage(ctx: ConnectorContext, window: SyncWindow, position: string | null): Promise<FetchedPage> {
    if (!ctx.marketplaceIds.length) {
      throw new MarketplaceError('unknown', 'no_marketplaces', 'connection has no Amazon marketplace ids');
    }
    const query: Record<string, unknown> = {
      lastUpdatedAfter: window.from.toISOString(),
      lastUpdatedBefore: window.to.toISOString(),
      marketplaceIds: ctx.marketplaceIds,
      includedData: INCLUDED_DATA,
      maxResultsPerPage: 100,
      ...(position ? { paginationToken: position } : {}),
    };
    const res = await this.call(ctx, 'searchOrders', { query }, position !== null);
    const body = parseJson(res.body);
    const orders = Array.isArray(body?.orders) ? body.orders : null;
    if (!orders)
      throw new MarketplaceError(
        'temporary',
        'bad_page',
        'searchOrders response has no orders array',
        undefined,
        res.statusCode,
      );
    // The page must answer the window we asked for. A cached or replayed page of another window (seen
    // as the same page served twice) would otherwise be committed as this window's content: taken as
    // its last page it moved the cursor over orders never read. searchOrders echoes lastUpdatedBefore
    // (to the second); a different instant means a stale page: retry later, commit nothing of it.
    const echoedEnd = typeof body?.lastUpdatedBefore === 'string' ? Date.parse(body.lastUpdatedBefore) : NaN;
    if (Number.isFinite(echoedEnd) && Math.abs(echoedEnd - window.to.getTime()) >= 1000) {
      throw new MarketplaceError(
        'temporary',
        'stale_page',
        'searchOrders answered for another window than requested',
        undefined,
        res.statusCode,
      );
    }
    const good: CanonicalOrder[] = [];
    const rejected: RejectedOrder[] = [];
    for (const raw of orders) {
      const mapped = mapAmazonOrder(raw);
      if (isRejected(mapped)) rejected.push(mapped);
      else good.push(mapped);
    }
    const pagination = body?.pagination as { nextToken?: unknown } | undefined;
    const next = typeof pagination?.nextToken === 'string' && pagination.nextToken ? pagination.nextToken : null;
    return { orders: good, rejected, nextPosition: next, reportedRate: reportedRate(res) };
  }

  async fetchOrder(ctx: ConnectorContext, marketplaceOrderId: string): Promise<CanonicalOrder> {
    const res = await this.call(
      ctx,
      'getOrder',
      { path: { orderId: marketplaceOrderId }, query: { includedData: INCLUDED_DATA } },
      false,
    );
    const body = parseJson(res.body);
    const mapped = mapAmazonOrder(body?.order);
    if (isRejected(mapped)) throw new MarketplaceError('bad_data', 'bad_order', mapped.reasonDetail);
    return mapped;
  }

  forget(connectionId: string): void {
    this.clients.forget(connectionId);
  }

  /** One SP-API call with a fresh access token; a token the API calls expired is renewed once. */
  private async call(
    ctx: ConnectorContext,
    operation: 'searchOrders' | 'getOrder',
    params: { query?: Record<string, unknown>; path?: Record<string, string> },
    sentPaginationToken: boolean,
  ): Promise<RawResult> {
    for (let attempt = 0; ; attempt++) {
      const lease = await this.clients.ready(ctx);
      let res: RawResult;
      try {
        // searchOrders and getOrder are GETs: safe to send again after a stale kept-alive socket.
        res = (await readWithStaleSocketRetry(() =>
          (lease.client.callAPI as (p: unknown) => Promise<unknown>)({
            operation,
            endpoint: 'orders',
            ...params,
            options: { version: '2026-01-01', raw_result: true },
          }),
        )) as RawResult;
      } catch (err) {
        throw amazonThrownError(err);
      }
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      if (attempt === 0 && res.statusCode === 403 && /access token.*(expired|revoked|invalid)/i.test(res.body)) {
        lease.invalidate();
        continue;
      }
      throw amazonResponseError(res.statusCode, res.body, sentPaginationToken);
    }
  }
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body);
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

function reportedRate(res: RawResult): number | undefined {
  const h = res.headers['x-amzn-ratelimit-limit'];
  const v = Number(Array.isArray(h) ? h[0] : h);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
