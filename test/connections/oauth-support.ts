import { DataSource } from 'typeorm';
import { dumpAllRows } from '../../src/demo/database-dump';
import type { ConnectionView } from '../../src/connections/connection.mapper';
import { ConnectionsService } from '../../src/connections/connections.service';
import type { ConnectionCredentials } from '../../src/marketplaces/marketplace-connector';
import { startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';
import { startTestApp, type TestApp } from '../support/test-app';

export interface OAuthEnv {
  m: MarketplaceHarness;
  t: TestApp;
  close(): Promise<void>;
}

/** Both simulators and the real HTTP app wired to them, on one manual clock. */
export async function startOAuthEnv(env: Record<string, string | undefined> = {}): Promise<OAuthEnv> {
  const m = await startMarketplaces();
  const t = await startTestApp({ env: { ...m.env, ...env }, clock: m.clock });
  return {
    m,
    t,
    close: async () => {
      await t.close();
      await m.close();
    },
  };
}

const sellerKeys = new Map<string, { Authorization: string }>();

/** A tenant (created by an admin) and a key of that seller allowed to manage its connections. */
export async function newTenant(t: TestApp, name = 'Acme Outdoor'): Promise<string> {
  const res = await t.http().post('/v1/tenants').set(t.admin).send({ name }).expect(201);
  const tenantId = res.body.tenantId as string;
  sellerKeys.set(tenantId, (await t.seller(tenantId, ['connections:manage'])).auth);
  return tenantId;
}

/** Headers of the seller's own request (connecting marketplaces is the seller's act). */
export const asSeller = (_t: TestApp, tenantId: string) => {
  const auth = sellerKeys.get(tenantId);
  if (!auth) throw new Error('tenant was not created with newTenant');
  return auth;
};

export async function listConnections(t: TestApp, tenantId: string): Promise<ConnectionView[]> {
  return (await t.http().get('/v1/connections').set(asSeller(t, tenantId)).expect(200)).body as ConnectionView[];
}

/** A query string as a browser would send it after the marketplace's redirect. */
export const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** Opens the sealed credentials the way a sync does (server-side only, never over HTTP). */
export async function openCredentials(
  t: TestApp,
  tenantId: string,
  connectionId: string,
): Promise<ConnectionCredentials> {
  return (await t.app.get(ConnectionsService).connectorContext(tenantId, connectionId)).context.credentials;
}

/** Every row of every table as JSON text (bytea as \\x hex): what a database dump would hold. */
export async function dumpDatabase(t: TestApp): Promise<string> {
  return (await dumpAllRows(t.app.get(DataSource))).text;
}

/** Asserts a secret is in no table, neither as text nor as the hex of its bytes. */
export async function expectNowhereInDatabase(t: TestApp, secret: string): Promise<void> {
  const dump = await dumpDatabase(t);
  expect(dump.length).toBeGreaterThan(0);
  expect(dump).not.toContain(secret);
  expect(dump).not.toContain(Buffer.from(secret, 'utf8').toString('hex'));
}

/** `state` with one character of its signature changed. */
export function tamperSignature(state: string): string {
  const [body, sig] = state.split('.');
  const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
  return `${body}.${flipped}`;
}

/**
 * `state` whose signature is spelled differently but decodes to the same bytes (the last base64url character
 * carries 2 spare bits for a 32-byte tag).
 */
export function respellSignature(state: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const [body, sig] = state.split('.');
  const last = alphabet[alphabet.indexOf(sig[sig.length - 1]) ^ 1];
  const respelled = `${sig.slice(0, -1)}${last}`;
  expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
  return `${body}.${respelled}`;
}

/** `state` whose payload is re-encoded with `changes`, keeping the original signature. */
export function tamperPayload(state: string, changes: Record<string, unknown>): string {
  const [body, sig] = state.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  return `${Buffer.from(JSON.stringify({ ...payload, ...changes })).toString('base64url')}.${sig}`;
}

export const decodeState = (state: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(state.split('.')[0], 'base64url').toString('utf8'));
