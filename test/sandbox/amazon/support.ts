import * as https from 'node:https';
import { SellingPartner } from 'amazon-sp-api';
import { ManualClock } from '../../../src/platform/clock/clock';
import { HostRoutingAgent, routeTable } from '../../../src/marketplaces/transport/host-routing-agent';
import { createLoopbackTls, type LoopbackTls } from '../../../src/sandbox/tls/loopback-ca';
import {
  AmazonSimulator,
  amazonSimulatorRoute,
  type AmazonSimulatorOptions,
  type ErrorList,
  type GetOrderResponse,
  type SearchOrdersResponse,
} from '../../../src/sandbox/amazon';

export const APP = {
  clientId: 'amzn1.application-oa2-client.5f1e3c0a9b7d4e2f8a6c1b3d5e7f9a0b',
  clientSecret: 'amzn1.oa2-cs.v1.simulator-test-secret',
};
export const US = 'ATVPDKIKX0DER';
export const CA = 'A2EUQ1WTGCTBG2';
export const UK = 'A1F83G8C2ARO7P';
export const DE = 'A1PA6795UKMFR9';
export const T0 = '2026-03-02T09:00:00Z';
export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;

let sharedTls: Promise<LoopbackTls> | undefined;
/** One CA per test file is enough; generating keys is the slowest part of a start. */
export function loopbackTls(): Promise<LoopbackTls> {
  sharedTls ??= createLoopbackTls();
  return sharedTls;
}

export interface Harness {
  sim: AmazonSimulator;
  clock: ManualClock;
  tls: LoopbackTls;
  agent: HostRoutingAgent;
  /** The real amazon-sp-api client, routed to the simulator exactly as the product routes it. */
  client(refreshToken: string, extra?: { region?: 'na' | 'eu' | 'fe'; clientSecret?: string }): SellingPartner;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<Omit<AmazonSimulatorOptions, 'clock' | 'tls'>> = {},
): Promise<Harness> {
  const tls = await loopbackTls();
  const clock = new ManualClock(T0);
  const sim = await AmazonSimulator.start({ clock, tls, lwaClients: [APP], seed: 'amazon-sim-tests', ...options });
  const agent = new HostRoutingAgent(routeTable(amazonSimulatorRoute(sim)), { extraCaPem: tls.caPem });
  return {
    sim,
    clock,
    tls,
    agent,
    client: (refreshToken, extra = {}) =>
      new SellingPartner({
        region: extra.region ?? 'na',
        refresh_token: refreshToken,
        credentials: {
          SELLING_PARTNER_APP_CLIENT_ID: APP.clientId,
          SELLING_PARTNER_APP_CLIENT_SECRET: extra.clientSecret ?? APP.clientSecret,
        },
        endpoints_versions: { orders: '2026-01-01' },
        options: { https_proxy_agent: agent, auto_request_throttled: false, retry_remote_timeout: false },
      }),
    close: async () => {
      agent.destroy();
      await sim.close();
    },
  };
}

/** The client's typings describe v0 responses; the 2026 body is what the simulator sent. */
export async function searchOrders(sp: SellingPartner, query: Record<string, unknown>): Promise<SearchOrdersResponse> {
  return (await sp.callAPI({ operation: 'orders.searchOrders', query })) as unknown as SearchOrdersResponse;
}

export async function getOrder(
  sp: SellingPartner,
  orderId: string,
  includedData?: string[],
): Promise<GetOrderResponse> {
  return (await sp.callAPI({
    operation: 'orders.getOrder',
    path: { orderId },
    ...(includedData ? { query: { includedData } } : {}),
  })) as unknown as GetOrderResponse;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request the way any HTTPS client would send it, for wire details the SDK hides. */
export function rawRequest(
  h: Harness,
  options: { host: string; method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: options.host,
        port: 443,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host, ...options.headers },
        agent: h.agent,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export function errorList(body: string): ErrorList {
  return JSON.parse(body) as ErrorList;
}

/** What the client rejects with: its CustomError copies the ErrorList entry onto an Error. */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}
