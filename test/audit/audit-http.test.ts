import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ALL_TENANTS, AuditCheckpointService, AuditExportService, AuditLog, verifyExport } from '../../src/audit';
import { parseEd25519PublicKey } from '../../src/crypto';
import { systemActor } from '../../src/auth';
import { ManualClock } from '../../src/platform';
import { testConfig } from '../support/test-config';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { newId, reveal, silentLogger } from './audit-fixture';
import { createAuditHttpApp } from './support/audit-app';

describe('access log over HTTP', () => {
  let app: INestApplication;
  let db: TestDatabase;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createAuditHttpApp({
      config: testConfig(),
      clock: new ManualClock('2026-11-02T10:00:00Z'),
      logger: silentLogger(),
      database: db.target,
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('publishes the checkpoint key to anyone, and an export verifies offline with that key alone', async () => {
    const first = await http().get('/v1/audit/public-key').expect(200);
    expect(first.body).toMatchObject({
      purpose: 'audit.checkpoint',
      current: { algorithm: 'Ed25519', retiredAt: null },
    });
    expect(first.body.current.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.body.current.publicKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(first.body.keys).toEqual([first.body.current]);
    // Stable: the key is created once and then only read.
    expect((await http().get('/v1/audit/public-key').expect(200)).body).toEqual(first.body);

    const tenant = newId();
    for (let i = 1; i <= 3; i++) await app.get(AuditLog).record(reveal(tenant, i));
    await app.get(AuditCheckpointService).writeNow();
    const lines: string[] = [];
    for await (const line of await app.get(AuditExportService).open(systemActor('test', null), ALL_TENANTS, tenant)) {
      lines.push(line.trimEnd());
    }
    const key = parseEd25519PublicKey(first.body.current.publicKey);
    expect(verifyExport(lines, key)).toMatchObject({ ok: true, entries: 4, unattestedEntries: 1 });
  });

  it('never serves the log to an unauthenticated caller', async () => {
    for (const path of ['/v1/audit/entries', '/v1/audit/export', '/v1/audit/verify']) {
      const res = await http().get(path);
      expect([401, 403]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toMatch(/pii\.revealed/);
    }
    const post = await http().post('/v1/audit/checkpoints');
    expect([401, 403]).toContain(post.status);
    // A wrong key is refused as well.
    const wrong = await http()
      .get('/v1/audit/entries')
      .set('Authorization', 'Bearer ov_live_abcdefghijkmnpqr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect([401, 403]).toContain(wrong.status);
  });
});
