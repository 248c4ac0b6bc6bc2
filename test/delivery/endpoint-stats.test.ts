import { deliverOnce } from '../../src/cli/delivery-commands';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { Receiver } from './support/receiver';

const HOUR = 3600_000;

describe('GET /v1/endpoints/:id/stats', () => {
  let t: TestApp;
  let owner: AuthHeader;
  let tenantId: string;
  let receiver: Receiver;
  let endpointId: string;

  const stats = async (auth: Record<string, string> = owner, status = 200) =>
    (await t.http().get(`/v1/endpoints/${endpointId}/stats`).set(auth).expect(status)).body;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }, clock: new ManualClock(Date.now()) });
    tenantId = await t.tenant('Stats');
    owner = (await t.seller(tenantId, ['endpoints:manage', 'grants:manage'])).auth;
    receiver = await Receiver.start();
    endpointId = (await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201)).body
      .endpointId;
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('starts empty', async () => {
    expect(await stats()).toMatchObject({
      endpointId,
      attempts: {
        lastHour: { succeeded: 0, failed: 0 },
        last24Hours: { succeeded: 0, failed: 0 },
        last7Days: { succeeded: 0, failed: 0 },
      },
      lastSuccessAt: null,
      backlog: { pending: 0, oldestPendingSince: null, oldestPendingAgeSeconds: null },
    });
  });

  it('counts successes and failures per window, the last success and the backlog as the clock moves', async () => {
    // Two of five requests fail: three deliveries succeed, two wait for their retry.
    receiver.answer = (_r, i) => (i < 2 ? { status: 500 } : { status: 204 });
    await seedOrders(t.app, tenantId, 5);
    const sentAt = t.clock.now();
    expect(await deliverOnce(t.app)).toMatchObject({ succeeded: 3, retrying: 2 });
    const now = await stats();
    expect(now.attempts).toEqual({
      lastHour: { succeeded: 3, failed: 2 },
      last24Hours: { succeeded: 3, failed: 2 },
      last7Days: { succeeded: 3, failed: 2 },
    });
    expect(Date.parse(now.lastSuccessAt)).toBeGreaterThanOrEqual(sentAt.getTime());
    expect(now.backlog.pending).toBe(2);
    expect(now.backlog.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);

    // Two hours on: the attempts leave the hour window, the backlog has aged; the retries then succeed.
    t.clock.advance(2 * HOUR);
    const later = await stats();
    expect(later.attempts.lastHour).toEqual({ succeeded: 0, failed: 0 });
    expect(later.attempts.last24Hours).toEqual({ succeeded: 3, failed: 2 });
    expect(later.backlog).toMatchObject({ pending: 2, oldestPendingSince: now.backlog.oldestPendingSince });
    // Rows are stamped by the database's clock, the figures taken by the service's (moved by hand here).
    expect(later.backlog.oldestPendingAgeSeconds).toBe(
      Math.floor((Date.parse(later.at) - Date.parse(later.backlog.oldestPendingSince)) / 1000),
    );
    expect(later.backlog.oldestPendingAgeSeconds).toBeGreaterThan(2 * 3600 - 60);
    expect(await deliverOnce(t.app)).toMatchObject({ succeeded: 2 });
    const retried = await stats();
    expect(retried.attempts).toEqual({
      lastHour: { succeeded: 2, failed: 0 },
      last24Hours: { succeeded: 5, failed: 2 },
      last7Days: { succeeded: 5, failed: 2 },
    });
    expect(retried.backlog).toEqual({ pending: 0, oldestPendingSince: null, oldestPendingAgeSeconds: null });

    // Eight days on, nothing is left in any window; the last success is still known.
    t.clock.advance(8 * 24 * HOUR);
    const week = await stats();
    expect(week.attempts.last7Days).toEqual({ succeeded: 0, failed: 0 });
    expect(week.lastSuccessAt).toBe(retried.lastSuccessAt);
  });

  it('is read as deliveries are: the endpoints scope or staff with a grant; another tenant sees no such endpoint', async () => {
    const granted = await t.staff('support', 'Stats reader');
    await t
      .http()
      .post('/v1/grants')
      .set(owner)
      .send({ granteeStaffId: granted.staffId, expiresAt: new Date(t.clock.nowMs() + 86_400_000).toISOString() })
      .expect(201);
    expect((await stats({ ...granted.auth, 'X-Tenant-Id': tenantId })).endpointId).toBe(endpointId);
    await stats((await t.seller(tenantId, ['orders:read'])).auth, 403);
    const other = await t.tenant('Other');
    await stats((await t.seller(other, ['endpoints:manage'])).auth, 404);
    await t.http().get('/v1/endpoints/not-a-uuid/stats').set(owner).expect(400);
  });
});
