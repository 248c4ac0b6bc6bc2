import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import {
  ALL_TENANTS,
  AuditPublicKeys,
  AuditVerifier,
  certificateHash,
  type DeletionCertificate,
} from '../../src/audit';
import { ConnectionsService } from '../../src/connections/connections.service';
import { dumpAllRows } from '../../src/demo/database-dump';
import { KEPT_TABLES, RESIDUE_TABLES } from '../../src/rights/offboarding/tenant-residue.repository';
import { TenantOffboardingService } from '../../src/rights';
import { buyerStrings, type SimBuyer } from '../../src/sandbox/buyers';
import { SyncWorker } from '../../src/sync/sync-worker';
import { LegalHoldsService } from '../../src/retention';
import { TenantsService } from '../../src/tenants/tenants.service';
import { runCli } from '../support/cli-process';
import {
  connectedTenant,
  startMarketplaces,
  type MarketplaceHarness,
  type SyncApp,
} from '../support/marketplace-harness';
import { TEST_ACTOR } from '../support/test-actor';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { DSR_SCOPES, HOUR } from './dsr-fixture';

const RECEIVER = 'https://93.184.216.34/hooks/ordervault';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
/** Emptied by steps of their own: the order step and the key step. */
const OWN_STEPS = ['orders', 'tenant_keys', 'tenant_index_keys'];
const SELLER_SCOPES = [...DSR_SCOPES, 'endpoints:manage', 'keys:manage'];

/**
 * A seller's offboarding end to end against the simulators (real clients, real sync): a tenant with synced
 * orders, an endpoint, keys and a data-subject request is offboarded after a stop mid-way, resumed through
 * the API; nothing of its buyers is left in the database, its keys are refused, other sellers are untouched,
 * the certificate verifies offline and fails when edited, and the access log verifies.
 */
describe('seller offboarding', () => {
  let m: MarketplaceHarness;
  let t: TestApp;
  let s: SyncApp;
  let leaving: Awaited<ReturnType<typeof connectedTenant>>;
  let staying: Awaited<ReturnType<typeof connectedTenant>>;
  let leavingId: string;
  let owner: AuthHeader;
  let other: AuthHeader;
  let buyers: SimBuyer[];
  let otherOrderId: string;
  let certificate: DeletionCertificate;
  const exported: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovoffboard-'));

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    t.app.get(DataSource).query(text, params) as Promise<T[]>;
  const body = { requestedBy: 'Jane Roe, managing director', reason: 'contract ended', ticketRef: 'SUP-4711' };
  const syncTenant = async (tenantId: string) => {
    m.clock.advance(10 * 60_000);
    await t.app.get(SyncWorker).runOnce(tenantId);
  };
  /** A seller's buyers: three eBay orders and two merchant-fulfilled Amazon orders. */
  const addOrders = (tenant: Awaited<ReturnType<typeof connectedTenant>>, firstBuyer: number) => {
    const createdAt = m.clock.nowMs() - HOUR;
    const ebay = [0, 1, 2].map(
      (i) =>
        m.ebay.addOrder(tenant.ebaySeller.sellerId, { createdAt: createdAt + i * 1000, buyerIndex: firstBuyer + i })
          .orderId,
    );
    const amazon = m.amazon
      .addOrders(tenant.amazonSeller.sellingPartnerId, 2, { createdAt, fulfilledBy: 'MERCHANT' })
      .map((o) => o.orderId);
    return [...ebay.map((id) => m.ebay.buyerOf(id)), ...amazon.map((id) => m.amazon.buyerOf(id))];
  };

  beforeAll(async () => {
    m = await startMarketplaces();
    t = await startTestApp({ env: { ...m.env, ORDERVAULT_MASTER_KEY: MASTER_KEY }, clock: m.clock });
    s = { tenants: t.app.get(TenantsService), connections: t.app.get(ConnectionsService) } as unknown as SyncApp;
    leaving = await connectedTenant(m, s, 'Leaving GmbH');
    staying = await connectedTenant(m, s, 'Staying GmbH');
    leavingId = leaving.tenant.tenantId;
    buyers = addOrders(leaving, 700);
    addOrders(staying, 800);
    await syncTenant(leavingId);
    await syncTenant(staying.tenant.tenantId);
    owner = (await t.seller(leavingId, SELLER_SCOPES)).auth;
    other = (await t.seller(staying.tenant.tenantId, DSR_SCOPES)).auth;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await m?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the leaving seller has synced orders with buyer data, an endpoint and a data-subject request', async () => {
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1 AND pii_state = 'present'`,
      [leavingId],
    );
    expect(n).toBe(5);
    await t.http().post('/v1/endpoints').set(owner).send({ url: RECEIVER }).expect(201);
    const dsr = await t
      .http()
      .post('/v1/data-subject-requests')
      .set(owner)
      .send({ type: 'access', subject: { email: buyers[0].email } })
      .expect(201);
    expect(dsr.body.status).toBe('completed');
    const dump = (await dumpAllRows(t.app.get(DataSource))).text;
    // Control: the scan can find what it looks for (the blind spots are the sealed columns).
    const [order] = await sql<{ order_id: string }>(`SELECT order_id FROM orders WHERE tenant_id = $1 LIMIT 1`, [
      leavingId,
    ]);
    expect(dump).toContain(order.order_id);
    const [otherOrder] = await sql<{ order_id: string }>(
      `SELECT order_id FROM orders WHERE tenant_id = $1 AND pii_state = 'present' LIMIT 1`,
      [staying.tenant.tenantId],
    );
    otherOrderId = otherOrder.order_id;
  });

  it('refuses a request without the seller’s recorded request, and an unknown tenant', async () => {
    const bad = await t.http().delete(`/v1/tenants/${leavingId}`).set(t.admin).send({ reason: 'x' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('requestedBy');
    await t
      .http()
      .delete(`/v1/tenants/${leavingId}`)
      .set(t.admin)
      .send({ ...body, reason: 'x'.repeat(301) })
      .expect(400);
    await t.http().delete('/v1/tenants/00000000-0000-4000-8000-000000000000').set(t.admin).send(body).expect(404);
    await t.http().delete(`/v1/tenants/${leavingId}`).set(owner).send(body).expect(403);
    expect((await t.app.get(TenantsService).get(leavingId)).status).toBe('active');
  });

  it('a run that stops after destroying the keys leaves the tenant inert: keys refused, staff refused with 410', async () => {
    const stopped = await t.app
      .get(TenantOffboardingService)
      .offboard(TEST_ACTOR, leavingId, body, {
        exportTo: async (line) => {
          exported.push(line);
        },
        afterStep: (step) => {
          if (step === 'keys_destroyed') throw new Error('simulated crash');
        },
      })
      .catch((e: Error) => e.message);
    expect(stopped).toBe('simulated crash');
    expect((await t.app.get(TenantsService).get(leavingId)).status).toBe('offboarding');
    await t.http().get('/v1/orders').set(owner).expect(401);
    const support = (await t.staff('support')).auth;
    const gone = await t.http().get('/v1/orders').set(support).set('X-Tenant-Id', leavingId).expect(410);
    expect(gone.body.error?.message ?? JSON.stringify(gone.body)).toMatch(/offboard/);
    // The orders are still there, but nothing sealed under the destroyed keys opens any more.
    const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1`, [leavingId]);
    expect(n).toBe(5);
    expect(await sql(`SELECT 1 FROM tenant_keys WHERE tenant_id = $1`, [leavingId])).toEqual([]);
    // An export cannot be asked for once past it.
    await expect(
      t.app.get(TenantOffboardingService).offboard(TEST_ACTOR, leavingId, body, { exportTo: async () => undefined }),
    ).rejects.toThrow(/past its export/);
  });

  it('the export bundle, written before anything was deleted, holds every order with its buyer data', () => {
    expect(exported).toHaveLength(5);
    const lines = exported.map((l) => JSON.parse(l) as { order: { orderId: string; buyer?: unknown } });
    const text = exported.join('');
    for (const b of buyers) expect(text).toContain(b.email);
    expect(lines.every((l) => JSON.stringify(l.order.buyer).includes('"pii":"revealed"'))).toBe(true);
    expect(new Set(lines.map((l) => l.order.orderId)).size).toBe(5);
  });

  it('DELETE /v1/tenants/:id resumes and finishes it, returning the signed certificate', async () => {
    const res = await t.http().delete(`/v1/tenants/${leavingId}`).set(t.admin).send(body).expect(200);
    expect(res.body).toMatchObject({ tenantId: leavingId, status: 'offboarded', alreadyOffboarded: false });
    certificate = res.body.certificate;
    expect(certificate.certificate).toMatchObject({
      tenantId: leavingId,
      requestedBy: body.requestedBy,
      reason: body.reason,
      ticketRef: body.ticketRef,
      exportedOrders: 5,
      overriddenLegalHolds: [],
      destroyedKeys: [`tenant-key:${leavingId}:v1`, `index-root:${leavingId}`],
    });
    const c = certificate.certificate;
    expect(c.deletedRows.orders).toBe(5);
    expect(c.deletedRows.marketplace_connections).toBe(2);
    expect(c.deletedRows.webhook_endpoints).toBe(1);
    expect(c.deletedRows.data_subject_requests).toBe(1);
    expect(c.revokedRows).toMatchObject({ api_keys: 1, marketplace_connections: 2, webhook_endpoints: 1 });
    // The certificate names the tenant chain's head that the `tenant.offboarded` entry then extends.
    const [last] = await sql<{ action: string; seq: string; reason: string }>(
      `SELECT action, seq::text AS seq, reason FROM audit_entries WHERE tenant_id = $1 ORDER BY audit_entries.seq DESC LIMIT 1`,
      [leavingId],
    );
    expect(last.action).toBe('tenant.offboarded');
    expect(BigInt(last.seq)).toBe(BigInt(c.auditHead.tenantChain!.seq) + 1n);
    expect(last.reason).toBe(`deletion certificate sha256:${certificateHash(c)}`);
    expect((await t.app.get(TenantsService).get(leavingId)).status).toBe('offboarded');
    // Again: the same certificate, nothing redone.
    const again = await t.http().delete(`/v1/tenants/${leavingId}`).set(t.admin).send(body).expect(200);
    expect(again.body).toMatchObject({ alreadyOffboarded: true, certificate });
  });

  it('nothing of the leaving seller’s buyers is left in a dump of the whole database', async () => {
    const dump = (await dumpAllRows(t.app.get(DataSource))).text;
    const needles = buyers.flatMap(buyerStrings);
    expect(needles.length).toBeGreaterThan(10);
    for (const needle of needles) expect([needle, dump.includes(needle)]).toEqual([needle, false]);
  });

  it('every tenant-scoped table is either emptied of the tenant or deliberately kept', async () => {
    const tables = await sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE column_name = 'tenant_id' AND table_schema = current_schema() ORDER BY table_name`,
    );
    for (const { table_name } of tables) {
      const kept = (KEPT_TABLES as readonly string[]).includes(table_name);
      expect([
        table_name,
        kept || (RESIDUE_TABLES as readonly string[]).includes(table_name) || OWN_STEPS.includes(table_name),
      ]).toEqual([table_name, true]);
      if (kept) continue;
      const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table_name} WHERE tenant_id = $1`, [
        leavingId,
      ]);
      expect([table_name, n]).toEqual([table_name, 0]);
    }
    const keys = await sql<{ revoked: boolean }>(
      `SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE tenant_id = $1`,
      [leavingId],
    );
    expect(keys.map((k) => k.revoked)).toEqual([true]);
  });

  it('the other seller is untouched: its orders reveal, it syncs', async () => {
    const res = await t
      .http()
      .post(`/v1/orders/${otherOrderId}/reveal`)
      .set(other)
      .set('X-Access-Reason', 'checking the address after an offboarding')
      .expect(200);
    expect(JSON.stringify(res.body)).toMatch(/@/);
    await syncTenant(staying.tenant.tenantId);
  });

  it('an offboarded tenant takes no new connection and no API access', async () => {
    await expect(
      s.connections.connect(TEST_ACTOR, {
        tenantId: leavingId,
        marketplace: 'ebay',
        region: 'EBAY_DE',
        marketplaceIds: [],
        accountId: leaving.ebaySeller.sellerId,
        credentials: { refreshToken: leaving.ebaySeller.refreshToken, scopes: leaving.ebaySeller.scopes },
      }),
    ).rejects.toMatchObject({ code: 'gone' });
    await t.http().get('/v1/orders').set(t.admin).set('X-Tenant-Id', leavingId).expect(410);
  });

  it('the access log verifies after all of it', async () => {
    const report = await t.app.get(AuditVerifier).verify(ALL_TENANTS);
    expect(report.ok).toBe(true);
  });

  it('the certificate verifies offline with the CLI, and fails when one field or byte is edited', async () => {
    const keys = await t.app.get(AuditPublicKeys).view();
    const key = keys.keys[0].publicKey;
    const file = path.join(dir, 'cert.json');
    writeFileSync(file, JSON.stringify(certificate, null, 2));
    const ok = await runCli(['audit', 'verify-certificate', '--file', file, '--public-key', key, '--json'], {});
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, hash: certificateHash(certificate.certificate) });

    const edited = { ...certificate, certificate: { ...certificate.certificate, deletedRows: { orders: 4 } } };
    writeFileSync(file, JSON.stringify(edited));
    const bad = await runCli(['audit', 'verify-certificate', '--file', file, '--public-key', key], {});
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/DOES NOT VERIFY: signature does not match/);

    // One byte of the serialised file: a digit of the tenant id.
    const text = JSON.stringify(certificate);
    const at = text.indexOf(leavingId) + 1;
    writeFileSync(file, text.slice(0, at) + (text[at] === 'a' ? 'b' : 'a') + text.slice(at + 1));
    expect((await runCli(['audit', 'verify-certificate', '--file', file, '--public-key', key], {})).code).toBe(1);
    expect(readFileSync(file, 'utf8')).not.toBe(text);
  }, 120_000);
  it('active legal holds refuse an offboarding (409 naming them) unless an admin forces it', async () => {
    const held = await connectedTenant(m, s, 'Held GmbH');
    const heldId = held.tenant.tenantId;
    const hold = await t.app.get(LegalHoldsService).place(TEST_ACTOR, heldId, {
      reason: 'tax audit 2026',
      requester: 'Finance',
      expiresAt: new Date(m.clock.nowMs() + 30 * 24 * HOUR),
    });
    const refused = await t.http().delete(`/v1/tenants/${heldId}`).set(t.admin).send(body).expect(409);
    expect(JSON.stringify(refused.body)).toContain(hold.holdId);
    expect((await t.app.get(TenantsService).get(heldId)).status).toBe('active');
    const forced = await t
      .http()
      .delete(`/v1/tenants/${heldId}`)
      .set(t.admin)
      .send({ ...body, force: true })
      .expect(200);
    expect(forced.body.certificate.certificate.overriddenLegalHolds).toEqual([hold.holdId]);
    expect((await t.app.get(LegalHoldsService).get(heldId, hold.holdId)).status).toBe('released');
  });

  it('the CLI offboards a seller with an export bundle and prints the certificate', async () => {
    if (!t.db.url) return; // the CLI reaches the database over a server URL only
    const viaCli = await connectedTenant(m, s, 'Cli GmbH');
    const cliBuyers = addOrders(viaCli, 900);
    await syncTenant(viaCli.tenant.tenantId);
    const bundle = path.join(dir, 'bundle.ndjson');
    const env = {
      ...m.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: t.db.url,
      ORDERVAULT_MASTER_KEY: MASTER_KEY,
      SYNC_SCHEDULER_ENABLED: 'false',
    };
    const args = ['tenant', 'offboard', '--tenant', viaCli.tenant.tenantId, '--requested-by', 'Owner'];
    const res = await runCli([...args, '--reason', 'closing the shop', '--export-to', bundle, '--json'], env);
    expect([res.code, res.stderr]).toEqual([0, '']);
    const out = JSON.parse(res.stdout) as { status: string; certificate: DeletionCertificate };
    expect(out.status).toBe('offboarded');
    expect(out.certificate.certificate).toMatchObject({ exportedOrders: 5, deletedRows: { orders: 5 } });
    const lines = readFileSync(bundle, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const b of cliBuyers) expect(lines.some((l) => l.includes(b.email))).toBe(true);
    const dump = (await dumpAllRows(t.app.get(DataSource))).text;
    for (const needle of cliBuyers.flatMap(buyerStrings))
      expect([needle, dump.includes(needle)]).toEqual([needle, false]);
    expect((await t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  }, 180_000);
});
