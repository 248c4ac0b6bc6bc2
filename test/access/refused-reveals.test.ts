import { DataSource } from 'typeorm';
import { SELLER_SCOPES } from '../../src/auth';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/**
 * Every attempt to reach buyer data leaves an entry, whatever the input: the
 * property is checked by counting entries around each attempt, for malformed
 * reasons and tickets, refusals at the permission check, unknown orders and
 * unknown tenants. None of them is a 5xx.
 */
describe('refused reveals are always in the access log', () => {
  let t: TestApp;
  let ds: DataSource;
  let tenantId: string;
  let orderId: string;
  let owner: { keyId: string; auth: AuthHeader };

  const denied = async () =>
    Number(
      (
        await ds.query(`SELECT count(*) AS n FROM audit_entries WHERE action = 'pii.revealed' AND outcome = 'denied'`)
      )[0].n,
    );
  const chains = async () => Number((await ds.query(`SELECT count(*) AS n FROM audit_chain_heads`))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    tenantId = await t.tenant('Refusals');
    [orderId] = await seedOrders(t.app, tenantId, 1);
    owner = await t.seller(tenantId, [...SELLER_SCOPES]);
  });
  afterAll(() => t.close());

  const attempt = (opts: { auth?: AuthHeader; reason?: string; body?: string; order?: string; tenant?: string }) => {
    const r = t
      .http()
      .post(`/v1/orders/${opts.order ?? orderId}/reveal`)
      .set(opts.auth ?? owner.auth)
      .set('Content-Type', 'application/json');
    if (opts.reason !== undefined) r.set('X-Access-Reason', opts.reason);
    if (opts.tenant) r.set('X-Tenant-Id', opts.tenant);
    return r.send(opts.body ?? '{}');
  };

  const cases: Array<[string, Parameters<typeof attempt>[0], number]> = [
    ['a reason holding a TAB', { reason: 'customer\tcalled' }, 400],
    ['no reason', {}, 400],
    ['a blank ticket reference', { reason: 'customer called', body: '{"ticketRef":" "}' }, 400],
    ['a ticket reference holding NUL', { reason: 'customer called', body: '{"ticketRef":"T-1\\u0000"}' }, 400],
    [
      'a ticket reference holding an emoji',
      { reason: 'customer called', body: '{"ticketRef":"T-\\ud83d\\ude00"}' },
      400,
    ],
    ['a ticket reference with a lone surrogate', { reason: 'customer called', body: '{"ticketRef":"T-\\ud800"}' }, 400],
    ['an unknown body field', { reason: 'customer called', body: '{"ticketRef":"T-1","extra":1}' }, 400],
    ['a body that is an array', { reason: 'customer called', body: '[]' }, 400],
    ['a reason over 500 characters', { reason: 'r'.repeat(501) }, 400],
    ['a malformed order id', { reason: 'customer called', order: 'not-a-uuid' }, 400],
    ['an order that does not exist', { reason: 'customer called', order: '00000000-0000-4000-8000-000000000000' }, 404],
  ];

  it.each(cases)('%s: refused with a 4xx and exactly one denied entry', async (_name, opts, status) => {
    const before = await denied();
    const res = await attempt(opts);
    expect(res.status).toBe(status);
    expect(await denied()).toBe(before + 1);
  });

  it('records the sanitised attempt: printable, bounded, naming why', async () => {
    await attempt({ reason: 'customer\tcalled', body: '{"ticketRef":"T-\\ud83d\\ude00"}' }).expect(400);
    const [entry] = await ds.query(
      `SELECT reason, ticket_ref, targets FROM audit_entries WHERE action = 'pii.revealed' ORDER BY occurred_at DESC, seq DESC LIMIT 1`,
    );
    expect(entry.reason).toBe('customer\ufffdcalled [denied: invalid reveal: X-Access-Reason, ticketRef]');
    expect(entry.ticket_ref).toBe('T-?');
    expect(entry.targets).toEqual({ orderIds: [orderId], actorKeyId: owner.keyId });
  });

  it('records refusals at the permission check: a key without the scope, an auditor, a support member without grant', async () => {
    const readOnly = await t.seller(tenantId, ['orders:read']);
    const auditor = await t.staff('auditor');
    const support = await t.staff('support');
    for (const [auth, tenant] of [
      [readOnly.auth, undefined],
      [auditor.auth, tenantId],
      [support.auth, tenantId],
    ] as const) {
      const before = await denied();
      const res = await attempt({ auth, reason: 'looking', tenant });
      expect(res.status).toBe(403);
      expect(await denied()).toBe(before + 1);
    }
  });

  it('answers an unknown tenant with 404 and opens no chain for it, recording the attempt on the platform chain', async () => {
    const support = await t.staff('support', 'Curious');
    const chainsBefore = await chains();
    for (let i = 0; i < 3; i++) {
      const random = `0000000${i}-1111-4111-8111-111111111111`;
      await attempt({ auth: support.auth, reason: 'looking', tenant: random }).expect(404);
      await t.http().get('/v1/orders').set(support.auth).set('X-Tenant-Id', random).expect(404);
    }
    expect(await chains()).toBe(chainsBefore);
    const [entry] = await ds.query(
      `SELECT chain_id, targets FROM audit_entries WHERE action = 'pii.revealed' AND actor_id = $1 ORDER BY seq DESC LIMIT 1`,
      [support.staffId],
    );
    expect(entry.chain_id).toBe('platform');
    expect(entry.targets.tenantId).toBe('00000002-1111-4111-8111-111111111111');
  });

  it('accepts the bearer scheme in any case (RFC 9110)', async () => {
    const token = owner.auth.Authorization.split(' ')[1];
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      await t.http().get('/v1/orders').set('Authorization', `${scheme} ${token}`).expect(200);
    }
  });
});
