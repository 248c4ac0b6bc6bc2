import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../platform/clock/clock';
import type { SimBuyer } from '../buyers';
import type { LoopbackTls } from '../tls/loopback-ca';
import { CannedAnswers, writeCannedAnswer, type CannedAnswer } from '../canned-answers';
import { CONTROL_PREFIX, handleControl } from './control-endpoint';
import { FaultQueue, respondWithFault, type FaultKind, type FaultTarget } from './faults';
import { BodyTooLargeError, newRequestId, queryObject, sendJson } from './http-io';
import { LwaAuthority, type LwaClient } from './lwa-authority';
import { handleLwaToken, LWA_TOKEN_PATH } from './lwa-endpoint';
import { MALFORMATION_KINDS } from './malformations';
import { Observations, type ObservedRequest } from './observations';
import { isoSeconds } from './order-projection';
import { OrdersEndpoint } from './orders-endpoint';
import { PaginationTokens } from './pagination-tokens';
import { AmazonScenario, type AddOrdersOptions, type AddSellerOptions } from './scenario';
import type { MalformationKind, OrderMutation, SimOrder, SimSeller } from './sim-model';
import { PUBLISHED_USAGE_PLANS, UsagePlanBuckets, type UsagePlan, type UsagePlanOperation } from './usage-plan';
import type { CancelledBy } from './wire-types';

export interface AmazonSimulatorOptions {
  clock: Clock;
  tls: LoopbackTls;
  /** Applications (LWA clients) allowed to exchange tokens. The first is the default for new sellers. */
  lwaClients: LwaClient[];
  /** Seeds sellers, orders and buyers. Default 'ordervault-amazon'. */
  seed?: string;
  /** Overrides of the published plans (searchOrders 0.0056/20, getOrder 0.5/30). */
  usagePlans?: Partial<Record<UsagePlanOperation, UsagePlan>>;
  /** Default 3600 (reference §4.1). */
  accessTokenTtlSeconds?: number;
  /** Default 86400 (reference §1.2 `paginationToken`). */
  paginationTokenTtlSeconds?: number;
}

export interface AddedSeller {
  sellingPartnerId: string;
  refreshToken: string;
}

/**
 * A loopback stand-in for Login with Amazon and the Selling Partner API Orders v2026-01-01.
 * One HTTPS server answers for every Amazon host (the caller routes `api.amazon.com` and
 * `*.amazon.com` to it with HostRoutingAgent and trusts the loopback CA); requests are told
 * apart by path. Control calls live under `/_sim/`, a prefix no Amazon API uses.
 */
export class AmazonSimulator {
  readonly url: string;
  readonly port: number;
  readonly seed: string;

  private readonly clock: Clock;
  private readonly lwa: LwaAuthority;
  private readonly scenario: AmazonScenario;
  private readonly buckets: UsagePlanBuckets;
  private readonly faults = new FaultQueue();
  private readonly canned = new CannedAnswers<FaultTarget>();
  private readonly observations = new Observations();
  private readonly orders: OrdersEndpoint;
  private readonly plans: Record<UsagePlanOperation, UsagePlan>;

  private constructor(
    private readonly server: https.Server,
    options: AmazonSimulatorOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.port = port;
    this.url = `https://127.0.0.1:${port}`;
    this.clock = options.clock;
    this.seed = options.seed ?? 'ordervault-amazon';
    this.plans = { ...PUBLISHED_USAGE_PLANS, ...options.usagePlans };
    this.lwa = new LwaAuthority(options.clock, options.lwaClients, options.accessTokenTtlSeconds ?? 3600);
    this.scenario = new AmazonScenario(options.clock, this.seed);
    this.buckets = new UsagePlanBuckets(options.clock);
    this.orders = new OrdersEndpoint({
      clock: options.clock,
      scenario: this.scenario,
      lwa: this.lwa,
      buckets: this.buckets,
      tokens: new PaginationTokens(options.clock, options.paginationTokenTtlSeconds ?? 86400),
      planFor: (seller, operation) => seller.usagePlans[operation] ?? this.plans[operation],
      takeDuplicatePage: () => this.faults.takeDuplicatePage(),
    });
  }

  static async start(options: AmazonSimulatorOptions): Promise<AmazonSimulator> {
    const server = https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const sim = new AmazonSimulator(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      sim.dispatch(req, res).catch((err: unknown) => sim.internalError(res, err));
    });
    return sim;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive sockets from client agents and 'hang' faults would otherwise hold close() open.
    this.server.closeAllConnections();
    await closed;
  }

  // ---- Sellers and tokens -------------------------------------------------------------

  addSeller(options: AddSellerOptions): AddedSeller {
    const clientId = options.clientId ?? this.lwa.defaultClientId();
    if (!this.lwa.hasClient(clientId)) throw new Error(`Unknown LWA client ${clientId}`);
    const seller = this.scenario.createSeller(options, clientId);
    return {
      sellingPartnerId: seller.sellingPartnerId,
      refreshToken: this.lwa.mintRefreshToken(seller.sellingPartnerId, clientId),
    };
  }

  seller(sellingPartnerId: string): Readonly<SimSeller> {
    return this.scenario.requireSeller(sellingPartnerId);
  }

  /** Grants or withdraws the PII roles for a seller's data (reference §1.2 "No RDT"). */
  setPiiRoles(sellingPartnerId: string, piiRoles: boolean): void {
    this.scenario.requireSeller(sellingPartnerId).piiRoles = piiRoles;
  }

  /** What Amazon appends to the redirect URI as `spapi_oauth_code` after consent; valid 5 minutes, once. */
  issueAuthorizationCode(sellingPartnerId: string, clientId?: string): string {
    const seller = this.scenario.requireSeller(sellingPartnerId);
    return this.lwa.issueAuthorizationCode(seller.sellingPartnerId, clientId ?? seller.clientId);
  }

  /** The seller revokes the app: the refresh token and the access tokens minted from it stop working. */
  revokeRefreshToken(refreshToken: string): void {
    if (!this.lwa.revokeRefreshToken(refreshToken)) throw new Error('Unknown refresh token');
  }

  /** Access tokens issued so far (for one seller, if given) expire now by the simulator clock; returns how many were live. */
  expireAccessTokens(filter: { sellingPartnerId?: string } = {}): number {
    return this.lwa.expireAccessTokens(filter.sellingPartnerId);
  }

  // ---- Orders -------------------------------------------------------------------------

  addOrders(sellingPartnerId: string, count: number, options?: AddOrdersOptions): SimOrder[] {
    return this.scenario.addOrders(sellingPartnerId, count, options);
  }

  addOrder(sellingPartnerId: string, options?: AddOrdersOptions): SimOrder {
    return this.scenario.addOrders(sellingPartnerId, 1, options)[0];
  }

  /** The live record; change it only through `updateOrder` so that `lastUpdatedTime` moves. */
  order(orderId: string): Readonly<SimOrder> {
    return this.scenario.requireOrder(orderId);
  }

  ordersOf(sellingPartnerId: string): ReadonlyArray<Readonly<SimOrder>> {
    return this.scenario.ordersOf(sellingPartnerId);
  }

  /** The simulated buyer behind an order, i.e. `simulatedBuyer(seed, order.buyerIndex)`. */
  buyerOf(orderId: string): SimBuyer {
    return this.scenario.requireOrder(orderId).buyer;
  }

  ship(orderId: string): SimOrder {
    return this.scenario.ship(orderId);
  }

  deliver(orderId: string): SimOrder {
    return this.scenario.deliver(orderId);
  }

  cancel(orderId: string, by?: CancelledBy, reason?: string): SimOrder {
    return this.scenario.cancel(orderId, by, reason);
  }

  updateOrder(orderId: string, mutate: OrderMutation): SimOrder {
    return this.scenario.updateOrder(orderId, mutate);
  }

  // ---- Faults -------------------------------------------------------------------------

  /** The next `count` requests to the target (SP-API by default, or LWA) fail with `kind`. */
  failNextRequests(count: number, kind: FaultKind, target: FaultTarget = 'sp-api'): void {
    this.faults.push(count, kind, target);
  }

  /** The next `count` requests to the target get this exact answer instead of the simulator's own. */
  answerNextRequests(count: number, answer: CannedAnswer, target: FaultTarget = 'sp-api'): void {
    this.canned.push(target, answer, count);
  }

  /** From now on the order is served corrupted in every response that includes it; the rest of a page stays valid. */
  makeOrderMalformed(orderId: string, kind: MalformationKind): void {
    if (!MALFORMATION_KINDS.includes(kind)) throw new Error(`Unknown malformation ${String(kind)}`);
    this.scenario.setMalformation(orderId, kind);
  }

  repairOrder(orderId: string): void {
    this.scenario.setMalformation(orderId, undefined);
  }

  /** The next searchOrders page is served again, unchanged, in answer to the request that follows it. */
  servePageTwice(): void {
    this.faults.armDuplicatePage();
  }

  /** Drops queued faults and a pending duplicate page. */
  clearFaults(): void {
    this.faults.clear();
    this.canned.clear();
  }

  /** Fills every usage-plan bucket to its burst again. */
  refillUsagePlans(): void {
    this.buckets.reset();
  }

  // ---- Observation --------------------------------------------------------------------

  get requests(): readonly ObservedRequest[] {
    return this.observations.requests;
  }

  /** The clock the simulator runs on, for control calls that read or move it. */
  get controlClock(): Clock {
    return this.clock;
  }

  get lwaCalls(): number {
    return this.observations.lwaCalls;
  }

  resetObservations(): void {
    this.observations.reset();
  }

  // ---- HTTP ---------------------------------------------------------------------------

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://simulator.invalid');
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      return handleControl(this, req, res, url);
    }
    const requestId = newRequestId();
    const isLwa = url.pathname === LWA_TOKEN_PATH;
    const entry = this.observations.record({
      at: isoSeconds(this.clock.nowMs()),
      requestId,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: queryObject(url.searchParams),
      ...(req.headers.host ? { host: req.headers.host } : {}),
      operation: isLwa ? 'lwaToken' : 'unknown',
    });
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const headers = { 'x-amzn-RequestId': requestId };
    const target: FaultTarget = isLwa ? 'lwa' : 'sp-api';
    const canned = this.canned.take(target);
    if (canned) {
      req.resume();
      return writeCannedAnswer(res, canned, headers);
    }
    const fault = this.faults.take(target);
    if (fault) {
      entry.fault = fault;
      // Drain the body so a 'reset' hits the response, not the upload.
      req.resume();
      return respondWithFault(res, fault, target, headers);
    }
    if (isLwa) return handleLwaToken(this.lwa, req, res, entry, headers);
    req.resume();
    this.orders.handle(req, res, url, entry, headers);
  }

  private internalError(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof BodyTooLargeError) {
      sendJson(res, 413, {
        errors: [{ code: 'RequestEntityTooLarge', message: 'The request is too large.', details: '' }],
      });
      return;
    }
    console.error('Amazon simulator: unexpected error', err);
    sendJson(res, 500, {
      errors: [
        { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.', details: '' },
      ],
    });
  }
}

/** `routeTable` entries that send the real client's Amazon traffic (LWA and every SP-API region) to the simulator. */
export function amazonSimulatorRoute(sim: Pick<AmazonSimulator, 'url'>): Array<[pattern: string, target: URL]> {
  return [
    ['api.amazon.com', new URL(sim.url)],
    ['*.amazon.com', new URL(sim.url)],
  ];
}
