import { DataSource } from 'typeorm';
import { clientBucket, IP_FAILURE_LIMIT, KEY_FAILURE_LIMIT } from '../../src/access/auth-throttle.service';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';

const WINDOW = 16 * 60_000;

/**
 * Failed authentications are throttled without giving anyone a way to lock out
 * a holder of the right secret: the property checked here for every shape of
 * attack (one key id from many addresses, many unknown keys from one address
 * shared with the victim), plus exact counts under concurrency.
 */
describe('authentication throttling', () => {
  let t: TestApp;
  let tenantId: string;
  // The test's requests come from loopback; X-Forwarded-For is believed only because loopback is a trusted proxy here.
  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const wrong = (keyId: string, n = 0) => ({ Authorization: `Bearer ov_live_${keyId}_${String(n).padStart(43, 'x')}` });
  // Distinct well-formed ids nobody holds (the key alphabet has no 0 or 1).
  const unknownKey = (n: number) => wrong(`unknown${String(n).padStart(9, '2').replace(/0/g, 'q').replace(/1/g, 'r')}`);
  const statuses = async (reqs: Array<Promise<{ status: number }>>) => {
    const counts: Record<number, number> = {};
    for (const r of await Promise.all(reqs)) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1,::1,::ffff:127.0.0.1' } });
    tenantId = await t.tenant('Throttle');
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.advance(WINDOW));

  const keyIdOf = (auth: AuthHeader) => auth.Authorization.split(' ')[1].split('_')[2];

  it('never locks out the right secret, whatever others sent for its key id from wherever', async () => {
    const victim = await t.seller(tenantId, ['orders:read']);
    const id = keyIdOf(victim.auth);
    for (let a = 1; a <= 12; a++) {
      for (let i = 0; i < KEY_FAILURE_LIMIT + 1; i++) {
        await t
          .http()
          .get('/v1/orders')
          .set(wrong(id, i))
          .set(from(`203.0.113.${a}`));
      }
    }
    // The attacker's addresses are throttled for this key id...
    await t.http().get('/v1/orders').set(wrong(id)).set(from('203.0.113.1')).expect(429);
    // ...the owner is not, from its own address or from one the attacker used.
    await t.http().get('/v1/orders').set(victim.auth).set(from('198.51.100.7')).expect(200);
    await t.http().get('/v1/orders').set(victim.auth).set(from('203.0.113.1')).expect(200);
  });

  it('never locks out everyone behind one address: unknown keys throttle that address, right secrets still pass', async () => {
    const neighbour = await t.seller(tenantId, ['orders:read']);
    for (let i = 0; i < IP_FAILURE_LIMIT + 5; i++) {
      await t.http().get('/v1/orders').set(unknownKey(i)).set(from('192.0.2.10'));
    }
    const blocked = await t.http().get('/v1/orders').set(unknownKey(999)).set(from('192.0.2.10')).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().get('/v1/orders').set(neighbour.auth).set(from('192.0.2.10')).expect(200);
    // Another address is untouched, and the window ends.
    await t.http().get('/v1/orders').set(unknownKey(1000)).set(from('192.0.2.11')).expect(401);
    t.clock.advance(WINDOW);
    await t.http().get('/v1/orders').set(unknownKey(1001)).set(from('192.0.2.10')).expect(401);
  });

  it(`counts atomically: 30 concurrent wrong secrets get exactly ${KEY_FAILURE_LIMIT} × 401`, async () => {
    const id = keyIdOf((await t.seller(tenantId, ['orders:read'])).auth);
    const counts = await statuses(
      Array.from({ length: 30 }, (_, i) => t.http().get('/v1/orders').set(wrong(id, i)).set(from('198.51.100.30'))),
    );
    expect(counts).toEqual({ 401: KEY_FAILURE_LIMIT, 429: 30 - KEY_FAILURE_LIMIT });
  });

  it(`counts atomically: 80 concurrent unknown keys from one address get exactly ${IP_FAILURE_LIMIT} × 401`, async () => {
    const counts = await statuses(
      Array.from({ length: 80 }, (_, i) => t.http().get('/v1/orders').set(unknownKey(i)).set(from('198.51.100.80'))),
    );
    expect(counts).toEqual({ 401: IP_FAILURE_LIMIT, 429: 80 - IP_FAILURE_LIMIT });
  });

  it('writes an access-log entry per counted failure and one when the limit is crossed, not one per throttled try', async () => {
    const id = keyIdOf((await t.seller(tenantId, ['orders:read'])).auth);
    const ds = t.app.get(DataSource);
    const count = async () =>
      Number(
        (
          await ds.query(
            `SELECT count(*) AS n FROM audit_entries WHERE action = 'auth.failed' AND targets->>'keyId' = $1`,
            [id],
          )
        )[0].n,
      );
    for (let i = 0; i < KEY_FAILURE_LIMIT + 20; i++) {
      await t.http().get('/v1/orders').set(wrong(id, i)).set(from('198.51.100.90'));
    }
    expect(await count()).toBe(KEY_FAILURE_LIMIT + 1);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const untrusting = await startTestApp();
    try {
      const id = 'abcdefghjkmnpqrs';
      for (let i = 0; i < KEY_FAILURE_LIMIT; i++) {
        // A different forged address each time: all of them count against the real peer.
        await untrusting
          .http()
          .get('/v1/orders')
          .set(wrong(id, i))
          .set(from(`203.0.113.${i + 1}`))
          .expect(401);
      }
      await untrusting.http().get('/v1/orders').set(wrong(id)).set(from('203.0.113.200')).expect(429);
    } finally {
      await untrusting.close();
    }
  });

  it('groups IPv6 clients by /64 and unwraps IPv4-mapped addresses', () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientBucket('192.0.2.1')).toBe('192.0.2.1');
  });
});
