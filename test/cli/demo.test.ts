import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';

describe('ordervault demo (the README’s second command)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovdemo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs both simulated marketplaces, forwards every order by verified webhook, verifies the access log, finds no buyer datum in clear, and destroys it all on time', async () => {
    const r = await runCli(['demo', '--json'], { ORDERVAULT_DATA_DIR: dir });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.ordersByMarketplace).toEqual([
      { marketplace: 'amazon', count: 200 },
      { marketplace: 'ebay', count: 150 },
    ]);
    expect(summary.eventsQueued).toBe(350);
    // Forwarding: 350 orders plus 30 second versions to a thin, a full and a sealed endpoint, every request
    // verified by the receiver with standardwebhooks, five refused on purpose and retried, versions in order per
    // order; every sealed buyer section opened by the receiver's own secret key, and only by it.
    expect(summary.delivery).toMatchObject({
      ok: true,
      endpoints: [
        { mode: 'thin', deliveries: 380, succeeded: 380 },
        { mode: 'full', deliveries: 380, succeeded: 380 },
        { mode: 'sealed', deliveries: 380, succeeded: 380 },
      ],
      retried: 5,
      receiver: { requests: 1145, taken: 1140, refused: 5, verified: 1145, signatureFailures: 0, duplicates: 0 },
      ordersWithTwoVersions: 90,
      outOfOrder: 0,
      fullPayloadsWithBuyerData: 380,
      sealedOpened: 380,
      sealedWithBuyerData: 380,
    });
    expect(summary.delivery.piiForwardedEntries).toBeGreaterThanOrEqual(1);
    expect(summary.ebayAccountDeletion).toEqual({
      acknowledged: 204,
      forgedRefused: 412,
      completed: true,
      ordersErased: 1,
    });
    expect(summary.accessLog).toMatchObject({ ok: true, checkpoints: 1 });
    expect(summary.privacyCheck.leaks).toEqual([]);
    expect(summary.privacyCheck.buyerStrings).toBeGreaterThan(1000);
    // The search is not blind: run on what the simulators served, it finds every buyer string.
    expect(summary.privacyCheck.controlFound).toBe(summary.privacyCheck.buyerStrings);
    expect(summary.privacyCheck.databaseFiles).toBeGreaterThan(100);
    // Retention: past every window, one sweep destroys the buyer data of every order not already erased,
    // with receipts in the log.
    expect(summary.retention).toMatchObject({
      dueBeforeSweep: 349,
      destroyed: { amazon: 200, ebay: 149 },
      ordersStillSealed: 0,
      receipts: { ordersListed: 349 },
      destroyedReveal: { code: 'gone' },
      accessLog: { ok: true, checkpoints: 2 },
      leaksAfterSweep: 0,
    });
    expect(summary.retention.receipts.entries).toBeGreaterThanOrEqual(1);
    expect(summary.retention.destroyedReveal.message).toContain('destroyed');
  }, 300_000); // sync, sweep and two scans on the embedded database: minutes on a busy machine
});
