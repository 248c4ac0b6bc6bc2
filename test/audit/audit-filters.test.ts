import { AuditLog } from '../../src/audit';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { reveal } from './audit-fixture';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

/**
 * The auditor's filters combine: actor kind, role, and words in the reason or
 * ticket (case-insensitive, LIKE wildcards taken literally), with action and
 * outcome; bad values are 400s; the `audit.viewed` entry of a search says a
 * text filter was used but never repeats the words.
 */
describe('access log filters: actor kind, role, reason or ticket', () => {
  let t: TestApp;
  let tenantId: string;
  let auditor: AuthHeader;
  const entries = (query: Record<string, string>) =>
    t
      .http()
      .get('/v1/audit/entries')
      .query({ tenantId, ...query })
      .set(auditor);

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Filtered');
    auditor = (await t.staff('auditor')).auth;
    const log = t.app.get(AuditLog);
    await log.record(reveal(tenantId, 1, { reason: 'Customer asked about a PARCEL', ticketRef: 'ZD-1' }));
    await log.record(
      reveal(tenantId, 2, {
        actor: { kind: 'staff', id: 'a3f1c2d4-0000-4000-8000-000000000002', role: 'admin' },
        reason: 'break-glass: fraud check, 100% urgent',
        ticketRef: 'SEC-7',
        breakGlass: true,
      }),
    );
    await log.record(
      reveal(tenantId, 3, {
        actor: { kind: 'seller', id: 'person:seller-owner', role: 'owner' },
        reason: 'buyer phoned about the parcel',
        ticketRef: null,
      }),
    );
    await log.record(reveal(tenantId, 4, { outcome: 'denied', reason: 'no grant for this parcel', ticketRef: 'ZD-4' }));
  });
  afterAll(() => t.close());

  const reasons = async (query: Record<string, string>) =>
    ((await entries({ action: 'pii.revealed', ...query }).expect(200)).body.items as Array<{ reason: string }>)
      .map((e) => e.reason)
      .sort();

  it('filters by actor kind and by role, and combines them with outcome and words', async () => {
    expect(await reasons({ actorKind: 'seller' })).toEqual(['buyer phoned about the parcel']);
    expect(await reasons({ actorKind: 'staff' })).toHaveLength(3);
    expect(await reasons({ role: 'admin' })).toEqual(['break-glass: fraud check, 100% urgent']);
    expect(await reasons({ actorKind: 'staff', role: 'support', outcome: 'allowed' })).toEqual([
      'Customer asked about a PARCEL',
    ]);
    expect(await reasons({ q: 'parcel' })).toEqual([
      'Customer asked about a PARCEL',
      'buyer phoned about the parcel',
      'no grant for this parcel',
    ]);
    expect(await reasons({ q: 'parcel', actorKind: 'staff', outcome: 'denied' })).toEqual(['no grant for this parcel']);
  });

  it('searches tickets too, and takes % and _ literally', async () => {
    expect(await reasons({ q: 'sec-7' })).toEqual(['break-glass: fraud check, 100% urgent']);
    expect(await reasons({ q: '100%' })).toEqual(['break-glass: fraud check, 100% urgent']);
    expect(await reasons({ q: '%' })).toEqual(['break-glass: fraud check, 100% urgent']);
    expect(await reasons({ q: 'ZD_' })).toEqual([]);
  });

  it('refuses bad values with a 400 naming the field', async () => {
    for (const [query, field] of [
      [{ actorKind: 'robot' }, 'actorKind'],
      [{ role: 'Admin; DROP' }, 'role'],
      [{ q: 'x'.repeat(101) }, 'q'],
      [{ q: 'tab\there' }, 'q'],
    ] as const) {
      const res = await entries(query).expect(400);
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
  });

  it('records each read without repeating the words searched for', async () => {
    await entries({ q: 'confidential words', actorKind: 'staff' }).expect(200);
    const [viewed] = await t.app
      .get(TransactionManager)
      .manager.query(
        `SELECT reason FROM audit_entries WHERE tenant_id = $1 AND action = 'audit.viewed' ORDER BY seq DESC LIMIT 1`,
        [tenantId],
      );
    expect(viewed.reason).toContain('actorKind=staff');
    expect(viewed.reason).toContain('text filter (18 characters)');
    expect(viewed.reason).not.toContain('confidential');
  });
});
