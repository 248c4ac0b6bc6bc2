import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';

describe('ordervault demo (the README’s second command)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovdemo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs both simulated marketplaces, verifies the access log and finds no buyer datum in clear', async () => {
    const r = await runCli(['demo', '--json'], { ORDERVAULT_DATA_DIR: dir });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.ordersByMarketplace).toEqual([
      { marketplace: 'amazon', count: 200 },
      { marketplace: 'ebay', count: 150 },
    ]);
    expect(summary.eventsQueued).toBe(350);
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
  }, 180_000);
});
