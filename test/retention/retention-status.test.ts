import { jobActor } from '../../src/auth';
import { MetricsRegistry } from '../../src/platform/metrics/metrics-registry';
import { RetentionScheduler, RetentionSweeper } from '../../src/retention';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { DAY, seedDelivered, type SeededOrders } from './retention-fixture';

/** The seller's retention status and the retention metrics, moved through time with the injected clock. */
describe('GET /v1/retention/status and retention metrics', () => {
  let t: TestApp;
  let tenantId: string;
  let owner: AuthHeader;
  let early: SeededOrders;
  let late: SeededOrders;
  let ebay: SeededOrders;
  const deliveredAt = new Date('2026-11-02T09:00:00Z');
  beforeAll(async () => {
    t = await startTestApp();
    tenantId = await t.tenant('Status');
    owner = (await t.seller(tenantId, ['retention:manage'])).auth;
    early = await seedDelivered(t.app, tenantId, { marketplace: 'amazon', count: 3, deliveredAt, firstIndex: 1 });
    late = await seedDelivered(t.app, tenantId, {
      marketplace: 'amazon',
      count: 2,
      deliveredAt: new Date(deliveredAt.getTime() + 20 * DAY),
      firstIndex: 10,
    });
    ebay = await seedDelivered(t.app, tenantId, { marketplace: 'ebay', count: 4, deliveredAt, firstIndex: 20 });
  });
  afterAll(() => t.close());

  const status = async () => (await t.http().get('/v1/retention/status').set(owner).expect(200)).body;
  const metrics = () => t.app.get(MetricsRegistry).render();
  const metric = (text: string, name: string, marketplace: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`marketplace="${marketplace}"`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  it('at first everything is held and nothing is due within 7 days', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 10 * DAY));
    const s = await status();
    expect(s).toMatchObject({
      tenantId,
      asOf: t.clock.now().toISOString(),
      totals: { withBuyerData: 9, dueIn7Days: 0, overdue: 0, held: 0, destroyedLast30Days: 0 },
    });
    expect(s.marketplaces[0]).toEqual({
      marketplace: 'amazon',
      windowDays: 30,
      withBuyerData: 5,
      dueIn7Days: 0,
      overdue: 0,
      held: 0,
      heldOverdue: 0,
      earliestDueAt: new Date(deliveredAt.getTime() + 30 * DAY).toISOString(),
      destroyedLast30Days: 0,
    });
    expect(metric(await metrics(), 'ordervault_retention_oldest_overdue_seconds', 'amazon')).toBe(0);
  });

  it('within 7 days of the due date the orders are due soon', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 25 * DAY));
    const s = await status();
    expect(s.marketplaces[0]).toMatchObject({ dueIn7Days: 3, overdue: 0 });
    expect(s.marketplaces[1]).toMatchObject({ marketplace: 'ebay', dueIn7Days: 0, overdue: 0 });
  });

  it('past the due date they are overdue, and the metric says for how long', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 30 * DAY + 90_000));
    const s = await status();
    expect(s.marketplaces[0]).toMatchObject({ withBuyerData: 5, dueIn7Days: 0, overdue: 3 });
    const text = await metrics();
    expect(metric(text, 'ordervault_retention_oldest_overdue_seconds', 'amazon')).toBe(90);
    expect(metric(text, 'ordervault_retention_oldest_overdue_seconds', 'ebay')).toBe(0);
  });

  it('a scheduled sweep destroys them: counted, timed, nothing overdue; the status shows them destroyed', async () => {
    await t.app.get(RetentionScheduler).tick();
    // A direct tick counts the orders it destroyed (the interval's run also observes its duration).
    let text = await metrics();
    expect(metric(text, 'ordervault_retention_orders_destroyed_total', 'amazon')).toBe(3);
    expect(metric(text, 'ordervault_retention_oldest_overdue_seconds', 'amazon')).toBe(0);
    const s = await status();
    expect(s.marketplaces[0]).toMatchObject({ withBuyerData: 2, overdue: 0, destroyedLast30Days: 3 });
    expect(s.marketplaces[0].earliestDueAt).toBe(new Date(deliveredAt.getTime() + 50 * DAY).toISOString());

    // Labels carry marketplaces only: no order id, no buyer string.
    text = await metrics();
    for (const id of [...early.orderIds, ...late.orderIds, ...ebay.orderIds, tenantId]) expect(text).not.toContain(id);
    for (const needle of early.buyerNeedles) expect(text).not.toContain(needle);
    expect(text).toContain('# TYPE ordervault_retention_sweep_duration_seconds histogram');
  });

  it('"destroyed in the last 30 days" forgets them 30 days on', async () => {
    t.clock.set(new Date(deliveredAt.getTime() + 61 * DAY));
    expect((await t.app.get(RetentionSweeper).sweep(jobActor('retention-sweep'))).destroyed).toBe(2);
    const s = await status();
    expect(s.marketplaces[0]).toMatchObject({ withBuyerData: 0, destroyedLast30Days: 2, earliestDueAt: null });
    expect(s.totals).toMatchObject({ withBuyerData: 4, destroyedLast30Days: 2 });
  });

  it('needs retention:manage; staff without it are refused', async () => {
    const reader = (await t.seller(tenantId, ['orders:read'])).auth;
    await t.http().get('/v1/retention/status').set(reader).expect(403);
    await t.http().get('/v1/retention/status').set(t.admin).set('X-Tenant-Id', tenantId).expect(403);
    await t.http().get('/v1/retention/status').expect(401);
  });
});
