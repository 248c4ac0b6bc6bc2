import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../src/app.module';
import { jobActor } from '../../src/auth';
import { ManualClock } from '../../src/platform/clock/clock';
import { RetentionScheduler, RetentionSweeper } from '../../src/retention';
import { TenantsService } from '../../src/tenants/tenants.service';
import { captureLogs } from '../support/log-capture';
import { TEST_ACTOR } from '../support/test-actor';
import { testConfig } from '../support/test-config';
import { createTestDatabase, usingServer, type TestDatabase } from '../support/test-database';
import { DAY, receipts, seedDelivered, sql } from './retention-fixture';

const SWEEP = jobActor('retention-sweep');
const deliveredAt = new Date('2026-10-01T09:00:00Z');
const dueAt = new Date(deliveredAt.getTime() + 40 * DAY);

/** Replicas: several app instances on one database, as several service processes would be. */
async function startReplicas(db: TestDatabase, count: number): Promise<INestApplicationContext[]> {
  const env = { ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'), RETENTION_BATCH_SIZE: '50' };
  const apps: INestApplicationContext[] = [];
  for (let i = 0; i < count; i++) {
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({
        config: testConfig(env),
        clock: new ManualClock(dueAt),
        logger: captureLogs().logger,
        database: db.target,
      }),
      { logger: false },
    );
    await app.init();
    apps.push(app);
  }
  return apps;
}

/** Every order of the tenants destroyed exactly once: one event each, one receipt line each, no key left. */
async function expectDestroyedOnce(app: INestApplicationContext, tenantIds: string[], orderIds: string[]) {
  const events = await sql<{ order_id: string; n: number }>(
    app,
    `SELECT order_id, count(*)::int AS n FROM outbox_events WHERE type = 'order.pii_destroyed' GROUP BY order_id`,
  );
  expect(events.length).toBe(orderIds.length);
  expect(events.every((e) => e.n === 1)).toBe(true);
  const listed = (await Promise.all(tenantIds.map((id) => receipts(app, id)))).flat().flatMap((r) => r.order_ids ?? []);
  expect(listed.length).toBe(orderIds.length);
  expect([...listed].sort()).toEqual([...orderIds].sort());
  const [{ present }] = await sql<{ present: number }>(
    app,
    `SELECT count(*)::int AS present FROM orders WHERE pii_state <> 'destroyed'`,
  );
  expect(present).toBe(0);
  const [{ keys }] = await sql<{ keys: number }>(
    app,
    `SELECT count(*)::int AS keys FROM data_keys WHERE subject_id = ANY($1::uuid[])`,
    [orderIds],
  );
  expect(keys).toBe(0);
}

describe('sweeps racing, dying and resuming', () => {
  let db: TestDatabase;
  let apps: INestApplicationContext[];
  beforeEach(async () => {
    db = await createTestDatabase();
    apps = await startReplicas(db, usingServer() ? 3 : 1);
  });
  afterEach(async () => {
    for (const app of apps) await app.close();
    await db.close();
  });

  async function backlog(names: string[], perTenant: number) {
    const tenantIds: string[] = [];
    const orderIds: string[] = [];
    for (const [i, name] of names.entries()) {
      const tenantId = (await apps[0].get(TenantsService).create(TEST_ACTOR, name)).tenantId;
      tenantIds.push(tenantId);
      const a = await seedDelivered(apps[0], tenantId, {
        marketplace: 'amazon',
        count: perTenant - 40,
        deliveredAt,
        firstIndex: i * 10_000,
      });
      const e = await seedDelivered(apps[0], tenantId, {
        marketplace: 'ebay',
        count: 40,
        deliveredAt: new Date(deliveredAt.getTime() - 60 * DAY),
        firstIndex: i * 10_000 + 5000,
      });
      orderIds.push(...a.orderIds, ...e.orderIds);
    }
    return { tenantIds, orderIds };
  }

  if (usingServer()) {
    it('three replicas sweeping one backlog destroy each order exactly once, each listed in exactly one receipt', async () => {
      const { tenantIds, orderIds } = await backlog(['North', 'South'], 700);
      const summaries = await Promise.all(apps.map((app) => app.get(RetentionSweeper).sweep(SWEEP)));
      expect(summaries.reduce((n, s) => n + s.destroyed, 0)).toBe(orderIds.length);
      await expectDestroyedOnce(apps[0], tenantIds, orderIds);
    });

    it('three replicas ticking: one plans, all drain the tenant jobs; each order destroyed once', async () => {
      const { tenantIds, orderIds } = await backlog(['East', 'West', 'Centre'], 300);
      await Promise.all(apps.map((app) => app.get(RetentionScheduler).tick()));
      await expectDestroyedOnce(apps[0], tenantIds, orderIds);
      const [{ jobs }] = await sql<{ jobs: number }>(apps[0], `SELECT count(*)::int AS jobs FROM jobs`);
      expect(jobs).toBe(0);
    });
  }

  it('a sweep that dies mid-batch leaves whole batches done and nothing half done; the next one finishes', async () => {
    const { tenantIds, orderIds } = await backlog(['Crash'], 300);
    const app = apps[0];
    // The third receipt fails to commit, as if the process died there: its batch must roll back whole.
    await sql(
      app,
      `CREATE FUNCTION test_die_on_third_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.action = 'pii.destroyed' AND (SELECT count(*) FROM audit_entries WHERE action = 'pii.destroyed') >= 2 THEN
           RAISE EXCEPTION 'simulated crash';
         END IF;
         RETURN NEW;
       END $$`,
    );
    await sql(
      app,
      `CREATE TRIGGER test_die_on_third_receipt BEFORE INSERT ON audit_entries
         FOR EACH ROW EXECUTE FUNCTION test_die_on_third_receipt()`,
    );
    await expect(app.get(RetentionSweeper).sweep(SWEEP)).rejects.toThrow(/simulated crash/);

    const states = await sql<{ order_id: string; pii_state: string; has_key: boolean; events: number }>(
      app,
      `SELECT o.order_id, o.pii_state,
              EXISTS (SELECT 1 FROM data_keys k WHERE k.subject_id = o.order_id) AS has_key,
              (SELECT count(*)::int FROM outbox_events e WHERE e.order_id = o.order_id AND e.type = 'order.pii_destroyed') AS events
         FROM orders o`,
    );
    const destroyed = states.filter((s) => s.pii_state === 'destroyed');
    expect(destroyed).toHaveLength(100);
    expect(destroyed.every((s) => !s.has_key && s.events === 1)).toBe(true);
    expect(states.filter((s) => s.pii_state === 'present').every((s) => s.has_key && s.events === 0)).toBe(true);
    const listed = (await receipts(app, tenantIds[0])).flatMap((r) => r.order_ids ?? []);
    expect(listed.sort()).toEqual(destroyed.map((s) => s.order_id).sort());

    await sql(app, `DROP TRIGGER test_die_on_third_receipt ON audit_entries`);
    const resumed = await app.get(RetentionSweeper).sweep(SWEEP);
    expect(resumed.destroyed).toBe(orderIds.length - 100);
    await expectDestroyedOnce(app, tenantIds, orderIds);
  });
});
