import { DataSource } from 'typeorm';
import { DataKeyService } from '../../src/crypto';
import type { EndpointSecrets } from '../../src/delivery/endpoints/endpoint-secrets';
import { MAX_ENDPOINTS_PER_TENANT } from '../../src/delivery/endpoints/endpoint-input';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

// A public address literal: accepted without asking DNS (the test has none to ask).
const RECEIVER = 'https://93.184.216.34/hooks/ordervault';
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('webhook endpoints API', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let db: DataSource;

  const auditActions = async (endpointId: string): Promise<string[]> =>
    (
      await db.query(`SELECT action, reason FROM audit_entries WHERE targets->>'endpointId' = $1 ORDER BY seq`, [
        endpointId,
      ])
    ).map((r: { action: string; reason: string | null }) => `${r.action}${r.reason ? ` (${r.reason})` : ''}`);

  const sealedSecrets = (endpointId: string) =>
    t.app.get(TransactionManager).run(async (tx) => {
      const key = await t.app.get(DataKeyService).openDataKey(tx, tenantId, endpointId);
      const [row] = await tx.query(`SELECT secrets_ciphertext FROM webhook_endpoints WHERE endpoint_id = $1`, [
        endpointId,
      ]);
      return key.openJson<EndpointSecrets>('endpoint.secret', row.secrets_ciphertext);
    });

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    tenantId = await t.tenant('Hooks');
    owner = (await t.seller(tenantId, ['endpoints:manage', 'grants:manage'])).auth;
  });
  afterAll(() => t.close());

  it('creates an endpoint whose signing secret is shown once and stored sealed, with its headers', async () => {
    const res = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({
        url: RECEIVER,
        description: 'ERP order intake',
        eventTypes: ['order.cancelled', 'order.created'],
        staticHeaders: { 'X-Receiver-Token': 'rcv-token-0123456789-abcdef' },
        rateLimitPerSecond: 20,
      })
      .expect(201);
    const { secret, endpointId } = res.body;
    expect(secret).toMatch(SECRET_PATTERN);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(res.body).toMatchObject({
      url: RECEIVER,
      eventTypes: ['order.created', 'order.cancelled'],
      payloadMode: 'thin',
      enabled: true,
      rateLimitPerSecond: 20,
      staticHeaderNames: ['x-receiver-token'],
      previousSecretsExpireAt: null,
    });
    expect(JSON.stringify(res.body)).not.toContain('rcv-token-0123456789');

    const shown = [
      (await t.http().get('/v1/endpoints').set(owner).expect(200)).body,
      (await t.http().get(`/v1/endpoints/${endpointId}`).set(owner).expect(200)).body,
    ];
    for (const body of shown) {
      const text = JSON.stringify(body);
      expect(text).toContain(endpointId);
      expect(text).not.toContain(secret.slice(6, 30));
      expect(text).not.toContain('rcv-token-0123456789');
    }
    const rows = JSON.stringify(await db.query(`SELECT row_to_json(e)::text AS j FROM webhook_endpoints e`));
    expect(rows).not.toContain(secret.slice(6, 30));
    expect(rows).not.toContain('rcv-token-0123456789');
    expect(await sealedSecrets(endpointId)).toEqual({ current: secret, previous: [] });
    const [key] = await db.query(`SELECT purpose FROM data_keys WHERE subject_id = $1`, [endpointId]);
    expect(key.purpose).toBe('endpoint.secret');
    expect(await auditActions(endpointId)).toEqual(['endpoint.created']);
  });

  it('updates fields, replaces or removes static headers, and logs which fields changed', async () => {
    const created = await t.http().post('/v1/endpoints').set(owner).send({ url: RECEIVER }).expect(201);
    const id = created.body.endpointId;
    expect(created.body.eventTypes).toEqual([]);
    const patched = await t
      .http()
      .patch(`/v1/endpoints/${id}`)
      .set(owner)
      .send({ description: 'renamed', staticHeaders: { authorization: 'Bearer abc.def' }, rateLimitPerSecond: null })
      .expect(200);
    expect(patched.body).toMatchObject({ description: 'renamed', staticHeaderNames: ['authorization'] });
    const disabled = await t.http().patch(`/v1/endpoints/${id}`).set(owner).send({ enabled: false }).expect(200);
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: 'manual' });
    await t.http().patch(`/v1/endpoints/${id}`).set(owner).send({ enabled: true, description: 'renamed' }).expect(200);
    const cleared = await t.http().patch(`/v1/endpoints/${id}`).set(owner).send({ staticHeaders: null }).expect(200);
    expect(cleared.body).toMatchObject({ enabled: true, disabledReason: null, staticHeaderNames: [] });
    // Nothing changed: nothing logged.
    await t.http().patch(`/v1/endpoints/${id}`).set(owner).send({ description: 'renamed' }).expect(200);
    expect(await auditActions(id)).toEqual([
      'endpoint.created',
      'endpoint.updated (changed: description, staticHeaders)',
      'endpoint.updated (changed: enabled)',
      'endpoint.updated (changed: enabled)',
      'endpoint.updated (changed: staticHeaders)',
    ]);
    const [row] = await db.query(`SELECT headers_ciphertext FROM webhook_endpoints WHERE endpoint_id = $1`, [id]);
    expect(row.headers_ciphertext).toBeNull();
  });

  it('rotates the secret: the new one is shown once, the previous one signs until the overlap ends', async () => {
    const created = await t.http().post('/v1/endpoints').set(owner).send({ url: RECEIVER }).expect(201);
    const id = created.body.endpointId;
    const rotated = await t
      .http()
      .post(`/v1/endpoints/${id}/rotate-secret`)
      .set(owner)
      .send({ overlapSeconds: 3600 })
      .expect(201);
    expect(rotated.body.secret).toMatch(SECRET_PATTERN);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const ends = new Date(t.clock.nowMs() + 3600_000).toISOString();
    expect(rotated.body.previousSecretsExpireAt).toBe(ends);
    expect(await sealedSecrets(id)).toEqual({
      current: rotated.body.secret,
      previous: [{ secret: created.body.secret, expiresAt: ends }],
    });
    const defaulted = await t.http().post(`/v1/endpoints/${id}/rotate-secret`).set(owner).send({}).expect(201);
    expect(defaulted.body.previousSecretsExpireAt).toBe(new Date(t.clock.nowMs() + 86_400_000).toISOString());
    await t
      .http()
      .post(`/v1/endpoints/${id}/rotate-secret`)
      .set(owner)
      .send({ overlapSeconds: 7 * 86400 + 1 })
      .expect(400);
    expect((await auditActions(id)).filter((a) => a.includes('rotated'))).toHaveLength(2);
  });

  it('deletes: gone from the API, secrets shredded with the data key, logged', async () => {
    const created = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: RECEIVER, staticHeaders: { 'x-token': 'zzz-delete-me' } })
      .expect(201);
    const id = created.body.endpointId;
    await t.http().delete(`/v1/endpoints/${id}`).set(owner).expect(200, { endpointId: id, deleted: true });
    await t.http().get(`/v1/endpoints/${id}`).set(owner).expect(404);
    await t.http().patch(`/v1/endpoints/${id}`).set(owner).send({ description: 'x' }).expect(404);
    await t.http().delete(`/v1/endpoints/${id}`).set(owner).expect(404);
    const list = (await t.http().get('/v1/endpoints').set(owner).expect(200)).body;
    expect(list.map((e: { endpointId: string }) => e.endpointId)).not.toContain(id);
    expect(await db.query(`SELECT 1 FROM data_keys WHERE subject_id = $1`, [id])).toHaveLength(0);
    const [row] = await db.query(
      `SELECT secrets_ciphertext, headers_ciphertext, deleted_at FROM webhook_endpoints WHERE endpoint_id = $1`,
      [id],
    );
    expect(row).toMatchObject({ secrets_ciphertext: null, headers_ciphertext: null, deleted_at: expect.any(Date) });
    expect(await auditActions(id)).toEqual([
      'endpoint.created',
      'endpoint.deleted (signing secrets and static headers destroyed)',
    ]);
  });

  it.each([
    ['a plain-HTTP URL', { url: 'http://93.184.216.34/hook' }, /https/],
    ['a loopback URL', { url: 'https://127.0.0.1/hook' }, /loopback/],
    ['a metadata URL', { url: 'https://169.254.169.254/latest/meta-data' }, /metadata/],
    ['a URL with credentials', { url: 'https://u:p@93.184.216.34/' }, /credentials/],
    ['a non-URL', { url: 'not a url' }, /absolute URL/],
    ['a description with a control character', { url: RECEIVER, description: 'bell\u0007' }, /control/],
    ['a bidi override in the description', { url: RECEIVER, description: 'abc\u202e' }, /control/],
    ['an unknown event type', { url: RECEIVER, eventTypes: ['order.deleted'] }, /eventTypes/],
    ['a header name that is not a token', { url: RECEIVER, staticHeaders: { 'bad name': 'v' } }, /tokens/],
    ['a header we set ourselves', { url: RECEIVER, staticHeaders: { 'Webhook-Id': 'v' } }, /cannot be replaced/],
    // Refused at the edge, before the endpoint rules: no request text may carry control characters.
    ['a header value with CR/LF', { url: RECEIVER, staticHeaders: { 'x-a': 'v\r\nx-b: w' } }, /control characters/],
    ['a non-string header value', { url: RECEIVER, staticHeaders: { 'x-a': { deep: 1 } } }, /printable/],
    ['sealed payloads without a sealing key', { url: RECEIVER, payloadMode: 'sealed' }, /sealingPublicKey/],
    ['a sealing key that is not 32 bytes', { url: RECEIVER, sealingPublicKey: 'A'.repeat(44) }, /sealingPublicKey/],
    ['an unknown payload mode', { url: RECEIVER, payloadMode: 'fat' }, /payloadMode/],
    ['a rate limit of 0', { url: RECEIVER, rateLimitPerSecond: 0 }, /rateLimitPerSecond/],
    ['a rate limit too high', { url: RECEIVER, rateLimitPerSecond: 10_001 }, /rateLimitPerSecond/],
    ['an unknown field', { url: RECEIVER, secret: 'whsec_mine' }, /secret/],
    ['no URL', {}, /url/],
  ])('refuses %s with a 400 that does not echo the value', async (_, body, why) => {
    const res = await t.http().post('/v1/endpoints').set(owner).send(body).expect(400);
    const text = JSON.stringify(res.body);
    expect(text).toMatch(why);
    expect(text).not.toContain('93.184.216.34');
  });

  it('answers 404 for an id that is not a uuid or not this tenant’s, 400 for a malformed body', async () => {
    await t.http().get('/v1/endpoints/not-a-uuid').set(owner).expect(400);
    await t.http().get('/v1/endpoints/2b7e1516-28ae-4d2a-a6d2-abf7158809cf').set(owner).expect(404);
    const other = await t.tenant('Other');
    const otherOwner = (await t.seller(other, ['endpoints:manage'])).auth;
    const theirs = (await t.http().post('/v1/endpoints').set(otherOwner).send({ url: RECEIVER }).expect(201)).body;
    await t.http().get(`/v1/endpoints/${theirs.endpointId}`).set(owner).expect(404);
    await t.http().delete(`/v1/endpoints/${theirs.endpointId}`).set(owner).expect(404);
    await t.http().get(`/v1/endpoints/${theirs.endpointId}`).set(otherOwner).expect(200);
  });

  it('lets staff with the seller’s grant read endpoints (never header names or secrets) and nobody else', async () => {
    const created = await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: RECEIVER, staticHeaders: { 'x-token': 'staff-must-not-see' } })
      .expect(201);
    const id = created.body.endpointId;
    const granted = await t.staff('support', 'Granted Support');
    const ungranted = await t.staff('support', 'Other Support');
    const auditor = await t.staff('auditor');
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeStaffId: granted.staffId, expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    const asStaff = (auth: AuthHeader) => ({ ...auth, 'X-Tenant-Id': tenantId });

    const read = await t.http().get(`/v1/endpoints/${id}`).set(asStaff(granted.auth)).expect(200);
    expect(read.body.endpointId).toBe(id);
    expect(read.body).not.toHaveProperty('staticHeaderNames');
    expect(read.body).not.toHaveProperty('secret');
    const listed = await t.http().get('/v1/endpoints').set(asStaff(granted.auth)).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain('x-token');
    await t.http().patch(`/v1/endpoints/${id}`).set(asStaff(granted.auth)).send({ enabled: false }).expect(403);
    await t.http().post(`/v1/endpoints/${id}/rotate-secret`).set(asStaff(granted.auth)).send({}).expect(403);
    await t.http().delete(`/v1/endpoints/${id}`).set(asStaff(granted.auth)).expect(403);
    await t.http().post('/v1/endpoints').set(asStaff(t.admin)).send({ url: RECEIVER }).expect(403);
    await t.http().get(`/v1/endpoints/${id}`).set(asStaff(ungranted.auth)).expect(403);
    await t.http().get(`/v1/endpoints/${id}`).set(asStaff(t.admin)).expect(403);
    await t.http().get(`/v1/endpoints/${id}`).set(asStaff(auditor.auth)).expect(403);

    const reader = (await t.seller(tenantId, ['endpoints:read'])).auth;
    expect((await t.http().get(`/v1/endpoints/${id}`).set(reader).expect(200)).body.staticHeaderNames).toEqual([
      'x-token',
    ]);
    await t.http().post('/v1/endpoints').set(reader).send({ url: RECEIVER }).expect(403);
    const ordersOnly = (await t.seller(tenantId, ['orders:read'])).auth;
    await t.http().get('/v1/endpoints').set(ordersOnly).expect(403);
  });

  it(`caps a tenant at ${MAX_ENDPOINTS_PER_TENANT} endpoints`, async () => {
    const tenant = await t.tenant('Many');
    const auth = (await t.seller(tenant, ['endpoints:manage'])).auth;
    for (let i = 0; i < MAX_ENDPOINTS_PER_TENANT; i++) {
      await t.http().post('/v1/endpoints').set(auth).send({ url: RECEIVER }).expect(201);
    }
    await t.http().post('/v1/endpoints').set(auth).send({ url: RECEIVER }).expect(409);
  });
});
