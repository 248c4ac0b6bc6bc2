import { randomBytes } from 'node:crypto';
import {
  parseAsOf,
  previewText,
  retentionPreview,
  retentionRun,
  sweepText,
  type SweepProgress,
} from '../../src/cli/retention-commands';
import { UsageError } from '../../src/cli/output';
import { DomainError } from '../../src/platform/errors/domain-error';
import { runCli } from '../support/cli-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';
import { DAY, receipts, seedDelivered } from '../retention/retention-fixture';

/** `ordervault retention preview|run` (the commands' functions in-process; the production refusal as a process). */
describe('CLI: retention preview and run', () => {
  let t: TestApp;
  let north: string;
  let south: string;
  const deliveredAt = new Date('2026-11-02T09:00:00Z');
  beforeAll(async () => {
    t = await startTestApp({ env: { RETENTION_BATCH_SIZE: '3' } });
    north = await t.tenant('North');
    south = await t.tenant('South');
    await seedDelivered(t.app, north, { marketplace: 'amazon', count: 5, deliveredAt, firstIndex: 1 });
    await seedDelivered(t.app, north, { marketplace: 'ebay', count: 2, deliveredAt, firstIndex: 50 });
    await seedDelivered(t.app, south, {
      marketplace: 'amazon',
      count: 4,
      deliveredAt: new Date(deliveredAt.getTime() + 5 * DAY),
      firstIndex: 100,
    });
  });
  afterAll(() => t.close());

  it('preview counts buyer data held and due per tenant and marketplace, with the earliest due date', async () => {
    const now = await retentionPreview(t.app, {});
    expect(now.totals).toEqual({ withBuyerData: 11, due: 0, held: 0, recordsDue: 0, recordsHeld: 0 });
    const asOf = new Date(deliveredAt.getTime() + 31 * DAY);
    const p = await retentionPreview(t.app, { asOf });
    expect(p.asOf).toBe(asOf.toISOString());
    const row = (tenantId: string, marketplace: string) =>
      p.rows.find((r) => r.tenantId === tenantId && r.marketplace === marketplace);
    expect(row(north, 'amazon')).toMatchObject({
      windowDays: 30,
      withBuyerData: 5,
      due: 5,
      earliestDueAt: new Date(deliveredAt.getTime() + 30 * DAY).toISOString(),
    });
    expect(row(north, 'ebay')).toMatchObject({
      windowDays: 90,
      withBuyerData: 2,
      due: 0,
      earliestDueAt: new Date(deliveredAt.getTime() + 90 * DAY).toISOString(),
    });
    expect(row(south, 'amazon')).toMatchObject({ withBuyerData: 4, due: 0 });
    expect(row(south, 'ebay')).toMatchObject({ withBuyerData: 0, due: 0, earliestDueAt: null });
    expect(p.totals).toEqual({ withBuyerData: 11, due: 5, held: 0, recordsDue: 0, recordsHeld: 0 });
    const text = previewText(p);
    expect(text).toContain('11 orders hold buyer data, 5 due for destruction');
    expect(text).toContain(north);

    const onlySouth = await retentionPreview(t.app, { asOf, tenant: south });
    expect(onlySouth.rows.map((r) => r.tenantId)).toEqual([south, south]);
    // A preview destroys nothing.
    expect((await retentionPreview(t.app, { asOf })).totals.due).toBe(5);

    // 18 months after purchase (1 November 2026) every record is due too, after its buyer data.
    const later = new Date('2028-05-02T00:00:00Z');
    const records = await retentionPreview(t.app, { asOf: later });
    expect(records.totals).toMatchObject({ withBuyerData: 11, due: 11, recordsDue: 11, recordsHeld: 0 });
    expect(records.rows.find((r) => r.tenantId === north && r.marketplace === 'ebay')).toMatchObject({
      recordMonths: 18,
      recordsDue: 2,
    });
    expect(previewText(records)).toContain('11 order records past their bookkeeping period due for deletion');
  });

  it('run destroys what is due as of the instant, reports progress per batch and writes receipts', async () => {
    const asOf = new Date(deliveredAt.getTime() + 31 * DAY);
    const seen: string[] = [];
    const progress: SweepProgress = {
      start: (total) => seen.push(`start ${total}`),
      advance: (n) => seen.push(`+${n}`),
      stop: () => seen.push('stop'),
    };
    const s = await retentionRun(t.app, { asOf }, progress);
    expect(s.destroyed).toBe(5);
    expect(seen).toEqual(['start 5', '+3', '+2', 'stop']);
    expect(sweepText(s)).toContain('buyer data of 5 orders destroyed');
    const rs = await receipts(t.app, north);
    expect(rs.map((r) => r.order_ids!.length)).toEqual([3, 2]);
    expect(rs[0].actor_id).toBe('cli:retention-run');
    expect((await retentionPreview(t.app, { asOf })).totals).toEqual({
      withBuyerData: 6,
      due: 0,
      held: 0,
      recordsDue: 0,
      recordsHeld: 0,
    });
  });

  it('run --tenant sweeps only that tenant', async () => {
    const asOf = new Date(deliveredAt.getTime() + 120 * DAY);
    const s = await retentionRun(t.app, { asOf, tenant: south });
    expect(s.tenants.map((x) => [x.tenantId, x.destroyed])).toEqual([[south, { amazon: 4, ebay: 0 }]]);
    expect((await retentionPreview(t.app, { asOf, tenant: north })).totals.due).toBe(2);
  });

  it('refuses a bad --as-of or --tenant; --as-of on a run in production only with --force', async () => {
    const dev = testConfig();
    const prod = { ...dev, env: 'production' as const };
    expect(() => parseAsOf(dev, '2026-13-01', false, false)).toThrow(UsageError);
    expect(() => parseAsOf(dev, 'tomorrow', true, false)).toThrow(UsageError);
    expect(parseAsOf(dev, '2026-12-01', true, false)).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(() => parseAsOf(prod, '2026-12-01', true, false)).toThrow(/production/);
    expect(parseAsOf(prod, '2026-12-01', true, true)).toEqual(new Date('2026-12-01T00:00:00Z'));
    // A preview destroys nothing: production may preview any instant.
    expect(parseAsOf(prod, '2026-12-01', false, false)).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(await retentionPreview(t.app, { tenant: 'x' }).catch((e: unknown) => e)).toBeInstanceOf(UsageError);
    const unknown = await retentionRun(t.app, { tenant: '00000000-0000-4000-8000-000000000000' }).catch(
      (e: unknown) => e,
    );
    expect((unknown as DomainError).code).toBe('not_found');
  });

  it('the real command refuses `run --as-of` with NODE_ENV=production before touching any database', async () => {
    const env = {
      NODE_ENV: 'production',
      // Nothing listens here: the refusal must come before any connection is tried.
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
      ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const refused = await runCli(['retention', 'run', '--as-of', '2027-01-01T00:00:00Z', '--json'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--as-of is for tests and rehearsals.*--force/);
    expect(refused.stdout).toBe('');
  }, 60_000);
});
