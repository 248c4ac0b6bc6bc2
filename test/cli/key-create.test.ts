import { createSellerKey, parseExpiresIn } from '../../src/cli/key-commands';
import { UsageError } from '../../src/cli/output';
import { DomainError } from '../../src/platform/errors/domain-error';
import { startTestApp, type TestApp } from '../support/test-app';

/** `ordervault key create` (the command's function, in-process against the real HTTP app it keys for). */
describe('key create: a seller key without a running server or an admin key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('issues a working key with exactly the scopes asked for, expiring after --expires-in', async () => {
    const tenantId = await t.tenant('Acme Outdoor');
    const key = await createSellerKey(t.app, {
      tenant: tenantId,
      scopes: 'orders:read, connections:manage',
      label: 'ERP',
      expiresIn: '90d',
    });
    expect(key).toMatchObject({
      ownerKind: 'seller',
      tenantId,
      scopes: ['connections:manage', 'orders:read'],
      label: 'ERP',
      expiresAt: new Date(t.clock.nowMs() + 90 * 86_400_000).toISOString(),
    });
    expect(key.key).toMatch(/^ov_live_[a-z2-9]{16}_/);
    const auth = { Authorization: `Bearer ${key.key}` };
    await t.http().get('/v1/orders').set(auth).expect(200);
    await t.http().get('/v1/connections').set(auth).expect(200);
    await t.http().get('/v1/audit/entries').set(auth).expect(403); // audit:read was not asked for

    // The access log names the command as the actor.
    const auditor = await t.staff('auditor');
    const entries = await t.http().get('/v1/audit/entries').set(auditor.auth).set('X-Tenant-Id', tenantId).expect(200);
    const created = (entries.body.items as Array<{ action: string; actor: unknown }>).find(
      (e) => e.action === 'key.created',
    );
    expect(created!.actor).toMatchObject({ kind: 'system', id: 'cli:key-create' });
  });

  it('refuses unknown scopes, bad durations and labels, and unknown tenants', async () => {
    const tenantId = await t.tenant();
    const attempt = (o: Partial<Parameters<typeof createSellerKey>[1]>) =>
      createSellerKey(t.app, { tenant: tenantId, scopes: 'orders:read', ...o }).catch((e: unknown) => e);
    expect(await attempt({ scopes: 'orders:read,orders:write' })).toBeInstanceOf(UsageError);
    expect(await attempt({ scopes: ' , ' })).toBeInstanceOf(UsageError);
    expect(await attempt({ expiresIn: '90 days' })).toBeInstanceOf(UsageError);
    expect(await attempt({ expiresIn: '4000d' })).toBeInstanceOf(UsageError);
    expect(await attempt({ label: 'line\u0007bell' })).toBeInstanceOf(UsageError);
    const unknown = await attempt({ tenant: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toBeInstanceOf(DomainError);
    expect((unknown as DomainError).code).toBe('not_found');
    expect([parseExpiresIn('30m'), parseExpiresIn('12h'), parseExpiresIn('1d')]).toEqual([
      1_800_000, 43_200_000, 86_400_000,
    ]);
  });
});
