import eBayApi from 'ebay-api';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManualClock } from '../../../src/platform/clock/clock';
import { HostRoutingAgent, routeTable } from '../../../src/marketplaces/transport/host-routing-agent';
import { EbaySimulator, ebaySimulatorRoute, EBAY_SCOPES, type EbaySimulatorOptions } from '../../../src/sandbox/ebay';
import { createLoopbackTls, type LoopbackTls } from '../../../src/sandbox/tls/loopback-ca';

export const APP = {
  clientId: 'OrderVau-ovtest-PRD-1a2b3c4d5-e6f7a8b9',
  clientSecret: 'PRD-cert-secret-0001',
  ruName: 'OrderVault-OrderVau-ovtest-abcdef',
};
export const OTHER_APP = {
  clientId: 'OtherApp-other-PRD-99',
  clientSecret: 'PRD-other-secret',
  ruName: 'Other-RuName-xyz',
};
export const SELLER_SCOPES = [EBAY_SCOPES.api, EBAY_SCOPES.fulfillmentReadonly];
export const START = '2026-11-20T12:00:00.000Z';
export const DAY = 86_400_000;

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ebay', name), 'utf8')) as T;
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(__dirname, '../../fixtures/ebay', name), 'utf8');
}

let sharedTls: Promise<LoopbackTls> | undefined;
/** One loopback CA per test file is plenty; generating it is the slowest part of the setup. */
export function loopbackTls(): Promise<LoopbackTls> {
  sharedTls ??= createLoopbackTls();
  return sharedTls;
}

export interface Harness {
  sim: EbaySimulator;
  clock: ManualClock;
  tls: LoopbackTls;
  /** A client wired exactly as the product wires it: real https URLs, HostRoutingAgent, loopback CA. */
  client(options?: {
    scope?: string[] | null;
    app?: typeof APP;
    timeout?: number;
    autoRefreshToken?: boolean;
  }): eBayApi;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<EbaySimulatorOptions> = {}): Promise<Harness> {
  const tls = await loopbackTls();
  const clock = new ManualClock(START);
  const sim = await EbaySimulator.start({ clock, tls, apps: [APP, OTHER_APP], seed: 'ebay-test', ...options });
  const agents: HostRoutingAgent[] = [];
  return {
    sim,
    clock,
    tls,
    client({ scope = SELLER_SCOPES, app = APP, timeout = 10_000, autoRefreshToken = true } = {}) {
      const agent = new HostRoutingAgent(routeTable(ebaySimulatorRoute(sim)), { extraCaPem: tls.caPem });
      agents.push(agent);
      return new eBayApi({
        appId: app.clientId,
        certId: app.clientSecret,
        sandbox: false,
        ruName: app.ruName,
        ...(scope ? { scope } : {}),
        autoRefreshToken,
        axiosConfig: { httpsAgent: agent, timeout },
      });
    },
    async close() {
      for (const agent of agents) agent.destroy();
      await sim.close();
    },
  };
}

/** A client holding a seller's consented refresh token, as the product would after onboarding. */
export function sellerClient(h: Harness, refreshToken: string, scope: string[] | null = SELLER_SCOPES): eBayApi {
  const eBay = h.client({ scope });
  // No access token yet: the first API call gets the exact 401 and the client refreshes (reference §5.4).
  eBay.OAuth2.setCredentials({
    access_token: 'never-issued',
    refresh_token: refreshToken,
    expires_in: 0,
    refresh_token_expires_in: 47_304_000,
    token_type: 'User Access Token',
  });
  return eBay;
}

/** Awaits a rejection and returns the error for concrete assertions. */
export async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
