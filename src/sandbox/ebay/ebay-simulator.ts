import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SimBuyer } from '../buyers';
import type { LoopbackTls } from '../tls/loopback-ca';
import type { Clock } from '../../platform/clock/clock';
import {
  AccountDeletionSender,
  PUBLIC_KEY_PATH_PREFIX,
  type AccountDeletionOptions,
  type DeletedEbayUser,
  type SentNotificationRecord,
} from './account-deletion';
import { handleControlRequest } from './control-surface';
import { DailyQuota } from './daily-quota';
import {
  fulfillmentSystemError,
  insufficientScope,
  invalidAccessToken,
  notificationSystemError,
  notSimulated,
  quotaExceeded,
  restError,
  type SimResponse,
} from './ebay-errors';
import { CannedAnswers, writeCannedAnswer, type CannedAnswer } from '../canned-answers';
import { FaultQueue, GATEWAY_502_HTML, type FaultKind, type FaultTarget } from './faults';
import { FULFILLMENT_BASE_PATH, handleGetOrder, handleGetOrders } from './fulfillment-endpoint';
import { readBody, writeResponse } from './http-io';
import { handleTokenRequest, IDENTITY_TOKEN_PATH, type TokenCallRecord } from './identity-endpoint';
import { OrderBook, type AddOrderOptions, type CancelOptions, type ShipOptions } from './order-book';
import type { MalformationKind } from './order-projection';
import { EBAY_SCOPES, FULFILLMENT_READ_SCOPES, TokenStore, type AccessTokenRecord, type EbayApp } from './token-store';
import { handleGetUser, IDENTITY_READ_SCOPES, IDENTITY_USER_PATH, type EbayAccountType } from './user-endpoint';
import type { Order } from './wire-types';

export interface EbaySimulatorOptions {
  clock: Clock;
  tls: LoopbackTls;
  apps: EbayApp[];
  /** Seeds orders and buyers (default 'ebay-sim'). */
  seed?: string;
  /** Access-token lifetime, default 7200 s (reference §2). */
  accessTokenTtlSeconds?: number;
  /** ExtendedContact.email is returned for this many days after creation (default 14, reference §1.7). */
  emailVisibleDays?: number;
  /** Names, address lines, phones and gift details disappear after this many days (default 90, §1.7). */
  piiVisibleDays?: number;
  /** Per-app daily API call quota; unlimited when absent (§4). */
  dailyQuota?: number;
  /** Omit `orders` on an empty page instead of sending [] (eBay does not document which, §1.4). */
  omitEmptyOrders?: boolean;
}

export type EbayOperation = 'token' | 'getOrders' | 'getOrder' | 'getPublicKey' | 'getUser' | 'unknown';

/** One request as the simulator saw it. Carries no tokens, secrets or bodies. */
export interface SimRequestRecord {
  at: string;
  method: string;
  /** Host header as sent (with HostRoutingAgent this is the real eBay host name). */
  host: string;
  path: string;
  query: Record<string, string>;
  operation: EbayOperation;
  status: number;
  clientId?: string;
  sellerId?: string;
  fault?: FaultKind;
}

export interface AddSellerOptions {
  sellerId?: string;
  marketplaceId?: string;
  /** The app the seller consents to (default: the first configured app). */
  clientId?: string;
  /** Consented scopes (default: api_scope, sell.fulfillment, sell.fulfillment.readonly). */
  scopes?: string[];
  /** Commerce Identity userId (default: a seeded 11-character id). */
  userId?: string;
  /** Commerce Identity accountType (default BUSINESS). */
  accountType?: EbayAccountType;
}

export interface SellerGrant {
  /** The seller's username. */
  sellerId: string;
  /** Immutable Commerce Identity userId. */
  userId: string;
  marketplaceId: string;
  clientId: string;
  refreshToken: string;
  scopes: string[];
}

export const DEFAULT_SELLER_SCOPES: readonly string[] = [
  EBAY_SCOPES.api,
  EBAY_SCOPES.fulfillment,
  EBAY_SCOPES.fulfillmentReadonly,
];

const EBAY_HOST = /^(api|apiz)(\.sandbox)?\.ebay\.com$/;

/**
 * A wire-faithful stand-in for eBay's identity token endpoint, Sell Fulfillment v1 getOrders/getOrder,
 * Commerce Identity getUser and the Notification API's getPublicKey, on one HTTPS server on 127.0.0.1. The real `ebay-api` client
 * reaches it through HostRoutingAgent (TLS verified for api.ebay.com against the loopback CA). Scenario
 * control is programmatic and, for out-of-process drivers, JSON under /_sim/ (control-surface.ts).
 */
export class EbaySimulator {
  /** `https://127.0.0.1:<port>/` as a URL, ready for routeTable(). `origin` is the same without the slash. */
  readonly url: URL;
  readonly origin: string;

  private readonly clock: Clock;
  private readonly store: TokenStore;
  private readonly book: OrderBook;
  private readonly faults = new FaultQueue();
  private readonly canned = new CannedAnswers<'api' | 'identity'>();
  private readonly quota: DailyQuota;
  private readonly deletion: AccountDeletionSender;
  private readonly emailVisibleDays: number;
  private readonly piiVisibleDays: number;
  private readonly omitEmptyOrders: boolean;
  private readonly requestLog: SimRequestRecord[] = [];
  private readonly tokenLog: TokenCallRecord[] = [];
  private readonly notificationLog: SentNotificationRecord[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private replayPage: SimResponse | undefined;

  private constructor(
    private readonly server: https.Server,
    options: EbaySimulatorOptions,
  ) {
    this.clock = options.clock;
    this.store = new TokenStore(options.clock, options.apps, options.accessTokenTtlSeconds ?? 7200);
    this.book = new OrderBook(options.clock, options.seed ?? 'ebay-sim');
    this.quota = new DailyQuota(options.dailyQuota);
    this.deletion = new AccountDeletionSender(options.tls.caPem);
    this.emailVisibleDays = options.emailVisibleDays ?? 14;
    this.piiVisibleDays = options.piiVisibleDays ?? 90;
    this.omitEmptyOrders = options.omitEmptyOrders ?? false;
    const { port } = server.address() as AddressInfo;
    this.url = new URL(`https://127.0.0.1:${port}/`);
    this.origin = this.url.origin;
  }

  static async start(options: EbaySimulatorOptions): Promise<EbaySimulator> {
    if (options.apps.length === 0) throw new Error('EbaySimulator needs at least one app');
    const server = https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const sim = new EbaySimulator(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      sim.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) writeResponse(res, { status: 500, body: { error: String(error) } });
        else res.destroy();
      });
    });
    return sim;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Clients keep connections alive (HostRoutingAgent uses keepAlive); drop them so close() returns now.
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------- sellers and tokens

  /** A seller who has already consented: returns the refresh token the product would have stored. */
  addSeller(options: AddSellerOptions = {}): SellerGrant {
    const clientId = options.clientId ?? this.store.firstApp().clientId;
    if (!this.store.app(clientId)) throw new Error(`Unknown eBay app ${clientId}`);
    const seller = this.book.addSeller(options.sellerId, options.marketplaceId, {
      userId: options.userId,
      accountType: options.accountType,
    });
    const scopes = [...(options.scopes ?? DEFAULT_SELLER_SCOPES)];
    const refreshToken = this.store.issueRefreshToken(seller.sellerId, clientId, scopes);
    return {
      sellerId: seller.sellerId,
      userId: seller.userId,
      marketplaceId: seller.marketplaceId,
      clientId,
      refreshToken,
      scopes,
    };
  }

  /** The `code` eBay would append to the RuName's accept URL after consent; valid 299 s, single use. */
  issueAuthorizationCode(sellerId: string, grant: { clientId: string; ruName: string; scopes: string[] }): string {
    if (!this.book.seller(sellerId)) throw new Error(`Unknown seller ${sellerId}`);
    return this.store.issueAuthorizationCode(sellerId, grant.clientId, grant.ruName, grant.scopes);
  }

  revokeRefreshToken(refreshToken: string): void {
    if (!this.store.revokeRefreshToken(refreshToken)) throw new Error('Unknown refresh token');
  }

  /** Expires every live access token (optionally one seller's); returns how many were live. */
  expireAccessTokens(filter: { sellerId?: string } = {}): number {
    return this.store.expireAccessTokens(filter);
  }

  // ---------------------------------------------------------------- orders

  addOrders(sellerId: string, count: number, options?: AddOrderOptions): Order[] {
    return this.book.addOrders(sellerId, count, options);
  }

  addOrder(sellerId: string, options?: AddOrderOptions): Order {
    return this.book.addOrder(sellerId, options);
  }

  ship(orderId: string, options?: ShipOptions): Order {
    return this.book.ship(orderId, options);
  }

  /** See OrderBook.deliver: eBay exposes no delivery signal, so nothing changes on the wire. */
  deliver(orderId: string): string {
    return this.book.deliver(orderId);
  }

  cancel(orderId: string, options?: CancelOptions): Order {
    return this.book.cancel(orderId, options);
  }

  requestCancel(orderId: string, options?: CancelOptions): Order {
    return this.book.requestCancel(orderId, options);
  }

  updateOrder(orderId: string, mutate: (order: Order) => void): Order {
    return this.book.updateOrder(orderId, mutate);
  }

  makeOrderMalformed(orderId: string, kind: MalformationKind): void {
    this.book.makeOrderMalformed(orderId, kind);
  }

  /** Drops every malformation of the order without modifying it (a poll by lastmodifieddate will not see it). */
  repairOrder(orderId: string): void {
    this.book.repairOrder(orderId);
  }

  /** The complete stored order (before visibility windows and malformation), or undefined. */
  order(orderId: string): Order | undefined {
    const stored = this.book.get(orderId);
    return stored ? structuredClone(stored.order) : undefined;
  }

  /** The simulated buyer behind an order (for leak assertions). */
  buyerOf(orderId: string): SimBuyer {
    return this.book.buyerOf(orderId);
  }

  deliveredAt(orderId: string): string | undefined {
    return this.book.deliveredAt(orderId);
  }

  // ---------------------------------------------------------------- faults and limits

  failNextRequests(count: number, kind: FaultKind, target: FaultTarget = 'api'): void {
    this.faults.add(count, kind, target);
  }

  /** The next `count` API calls (or token calls) get this exact answer instead of the simulator's own. */
  answerNextRequests(count: number, answer: CannedAnswer, target: 'api' | 'identity' = 'api'): void {
    this.canned.push(target, answer, count);
  }

  /** The next getOrders page is served normally and then once more, verbatim, to the getOrders call after it. */
  servePageTwice(): void {
    this.faults.armPageReplay();
  }

  clearFaults(): void {
    this.faults.clear();
    this.canned.clear();
    this.replayPage = undefined;
  }

  setDailyQuota(limit: number | undefined): void {
    this.quota.limit = limit;
  }

  quotaUsedToday(clientId: string): number {
    return this.quota.usedToday(clientId, this.clock.now());
  }

  // ---------------------------------------------------------------- account deletion

  /** The kid getPublicKey knows. */
  get publicKeyId(): string {
    return this.deletion.kid;
  }

  /** POSTs a signed MARKETPLACE_ACCOUNT_DELETION notification (reference §3.3/§3.4); resolves with the status. */
  async sendAccountDeletion(
    targetUrl: string,
    user: DeletedEbayUser,
    options: AccountDeletionOptions = {},
  ): Promise<number> {
    const at = this.clock.now().toISOString();
    const { status, notificationId } = await this.deletion.send(targetUrl, user, at, options);
    this.notificationLog.push({ at, targetUrl, notificationId, signature: options.signature ?? 'valid', status });
    return status;
  }

  // ---------------------------------------------------------------- observation

  get requests(): readonly SimRequestRecord[] {
    return this.requestLog;
  }

  get tokenCalls(): readonly TokenCallRecord[] {
    return this.tokenLog;
  }

  get sentNotifications(): readonly SentNotificationRecord[] {
    return this.notificationLog;
  }

  resetObservations(): void {
    this.requestLog.length = 0;
    this.tokenLog.length = 0;
    this.notificationLog.length = 0;
  }

  // ---------------------------------------------------------------- HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://simulator.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      const body = await readBody(req);
      writeResponse(res, await handleControlRequest(this, this.clock, method, url, body));
      return;
    }

    const operation = classify(method, url.pathname);
    const record: SimRequestRecord = {
      at: this.clock.now().toISOString(),
      method,
      host: String(req.headers.host ?? ''),
      path: url.pathname,
      // Real eBay API calls carry no secrets in the query; the token call's secrets are in its body.
      query: Object.fromEntries(url.searchParams),
      operation,
      status: 0,
    };
    this.requestLog.push(record);

    const canned = this.canned.take(operation === 'token' ? 'identity' : 'api');
    if (canned) {
      await readBody(req);
      record.status = canned.status;
      writeCannedAnswer(res, canned);
      return;
    }
    const fault = this.faults.take(operation === 'token');
    if (fault) {
      record.fault = fault;
      this.applyFault(fault, operation, req, res, record);
      return;
    }

    const body = await readBody(req);
    const response = this.dispatch(operation, req, url, body, record);
    record.status = response.status;
    writeResponse(res, response);
  }

  private applyFault(
    fault: FaultKind,
    operation: EbayOperation,
    req: IncomingMessage,
    res: ServerResponse,
    record: SimRequestRecord,
  ): void {
    switch (fault) {
      case 'reset':
        record.status = 0;
        req.socket.destroy();
        return;
      case 'hang':
        record.status = 0;
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'html-502':
        record.status = 502;
        writeResponse(res, { status: 502, body: GATEWAY_502_HTML, contentType: 'text/html' });
        return;
      case '429':
        record.status = 429;
        writeResponse(res, quotaExceeded());
        return;
      case '500': {
        const response =
          operation === 'getPublicKey'
            ? notificationSystemError()
            : operation === 'token'
              ? { status: 500, body: { error: 'server_error', error_description: 'internal server error' } }
              : fulfillmentSystemError();
        record.status = 500;
        writeResponse(res, response);
        return;
      }
    }
  }

  private dispatch(
    operation: EbayOperation,
    req: IncomingMessage,
    url: URL,
    body: string,
    record: SimRequestRecord,
  ): SimResponse {
    if (operation === 'unknown') return notSimulated(req.method ?? 'GET', url.pathname);
    if (operation === 'token') {
      const { response, record: tokenRecord } = handleTokenRequest(this.store, req.headers, body, record.at);
      this.tokenLog.push(tokenRecord);
      if (tokenRecord.clientId) record.clientId = tokenRecord.clientId;
      return response;
    }

    const auth = this.authenticate(req);
    if ('response' in auth) return auth.response;
    const token = auth.token;
    record.clientId = token.clientId;
    if (token.sellerId) record.sellerId = token.sellerId;
    // Quota is per application (§4), so app and user tokens of one keyset share it.
    if (!this.quota.admit(token.clientId, this.clock.now())) return quotaExceeded();

    if (operation === 'getPublicKey') {
      // Notification spec security: client-credentials flow, scope https://api.ebay.com/oauth/api_scope.
      if (!token.scopes.includes(EBAY_SCOPES.api)) return insufficientScope();
      return this.deletion.handleGetPublicKey(safeDecode(url.pathname.slice(PUBLIC_KEY_PATH_PREFIX.length)));
    }

    if (operation === 'getUser') {
      // getUser "OAuth scope": an authorization-code (user) token with a commerce.identity scope.
      const seller = token.sellerId ? this.book.seller(token.sellerId) : undefined;
      if (!seller || !token.scopes.some((s) => IDENTITY_READ_SCOPES.includes(s))) return insufficientScope();
      return handleGetUser({
        userId: seller.userId,
        username: seller.sellerId,
        accountType: seller.accountType,
        registrationMarketplaceId: seller.marketplaceId,
      });
    }

    // Fulfillment needs a user token carrying sell.fulfillment or sell.fulfillment.readonly (§1.1).
    if (!token.sellerId || !token.scopes.some((s) => FULFILLMENT_READ_SCOPES.includes(s))) return insufficientScope();
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const ctx = {
      book: this.book,
      sellerId: token.sellerId,
      nowMs: this.clock.nowMs(),
      publicOrigin: EBAY_HOST.test(host) ? `https://${host}` : 'https://api.ebay.com',
      emailVisibleDays: this.emailVisibleDays,
      piiVisibleDays: this.piiVisibleDays,
      omitEmptyOrders: this.omitEmptyOrders,
    };
    if (operation === 'getOrder') {
      const orderId = safeDecode(url.pathname.slice(`${FULFILLMENT_BASE_PATH}/order/`.length));
      return handleGetOrder(ctx, orderId, url.searchParams);
    }

    if (this.replayPage) {
      const replay = this.replayPage;
      this.replayPage = undefined;
      return replay;
    }
    const response = handleGetOrders(ctx, url.searchParams);
    if (response.status === 200 && this.faults.consumePageReplay()) this.replayPage = structuredClone(response);
    return response;
  }

  private authenticate(req: IncomingMessage): { token: AccessTokenRecord } | { response: SimResponse } {
    const header = req.headers.authorization;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!header) {
      // Not in the reference: eBay's gateway answers a missing header with errorId 1002 (OAuth domain).
      return {
        response: restError(401, {
          errorId: 1002,
          domain: 'OAuth',
          category: 'REQUEST',
          message: 'Missing access token',
          longMessage: 'Access token is missing in the Authorization HTTP request header.',
        }),
      };
    }
    const token = m ? this.store.lookupAccessToken(m[1]) : undefined;
    return token ? { token } : { response: invalidAccessToken() };
  }
}

/** A path segment as text; a broken %-escape is kept verbatim (it then simply matches nothing). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function classify(method: string, path: string): EbayOperation {
  if (method === 'POST' && path === IDENTITY_TOKEN_PATH) return 'token';
  if (method === 'GET' && path === `${FULFILLMENT_BASE_PATH}/order`) return 'getOrders';
  if (method === 'GET' && /^\/sell\/fulfillment\/v1\/order\/[^/]+$/.test(path)) return 'getOrder';
  if (method === 'GET' && /^\/commerce\/notification\/v1\/public_key\/[^/]+$/.test(path)) return 'getPublicKey';
  if (method === 'GET' && path === IDENTITY_USER_PATH) return 'getUser';
  return 'unknown';
}

/** routeTable() entries that send every eBay API host the simulator stands in for to it. */
export function ebaySimulatorRoute(sim: EbaySimulator): Array<[string, URL]> {
  return ['api.ebay.com', 'apiz.ebay.com', 'api.sandbox.ebay.com', 'apiz.sandbox.ebay.com'].map((host) => [
    host,
    sim.url,
  ]);
}
