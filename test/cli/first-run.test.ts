import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';
import { EBAY_APP, startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';

const MINUTE = 60_000;

/**
 * The README's first-run path, command by command, as separate CLI processes on one embedded database (as an
 * operator runs them): an admin, a seller, the seller's key, an eBay connection (the simulator stands in for eBay),
 * a sync, and a second sync that says why it did nothing.
 */
describe('CLI: the first run of README "First run"', () => {
  let m: MarketplaceHarness;
  let dir: string;
  beforeAll(async () => {
    // The CLI runs on the real clock: the simulator's clock starts at the same instant.
    m = await startMarketplaces(new Date().toISOString());
    dir = mkdtempSync(path.join(os.tmpdir(), 'ovt-first-run-'));
  });
  afterAll(async () => {
    await m.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('staff create, tenant create, key create, connection add, connection list, sync --once twice', async () => {
    const env = {
      ORDERVAULT_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'error',
      ...m.env,
      EBAY_CLIENT_ID: EBAY_APP.clientId,
      EBAY_CLIENT_SECRET: EBAY_APP.clientSecret,
      EBAY_RUNAME: EBAY_APP.ruName,
    };
    const ok = async (args: string[], stdin?: string) => {
      const r = await runCli(args, env, stdin);
      if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr} ${r.stdout}`);
      return r.stdout;
    };

    const admin = JSON.parse(await ok(['staff', 'create', '--role', 'admin', '--name', 'Ada Admin', '--json']));
    expect(admin.key.key).toMatch(/^ov_live_/);
    const tenant = JSON.parse(await ok(['tenant', 'create', '--name', 'Acme Outdoor', '--json']));

    const keyText = await ok([
      'key',
      'create',
      '--tenant',
      tenant.tenantId,
      '--scopes',
      'orders:read,connections:manage',
      '--label',
      'ERP',
      '--expires-in',
      '90d',
    ]);
    expect(keyText).toMatch(
      /^created key [a-z2-9]{16} for tenant \S+ \(scopes connections:manage, orders:read; expires /,
    );
    expect(keyText).toMatch(/API key \(shown once, store it now\): ov_live_[a-z2-9]{16}_\S{43}\n$/);

    const seller = m.ebay.addSeller({ marketplaceId: 'EBAY_DE' });
    m.ebay.addOrders(seller.sellerId, 4, { createdAt: new Date(Date.now() - 30 * MINUTE) });
    const tokenFile = path.join(dir, 'ebay-refresh-token.txt');
    writeFileSync(tokenFile, `${seller.refreshToken}\n`, { mode: 0o600 });
    const added = await ok([
      'connection',
      'add',
      '--tenant',
      tenant.tenantId,
      '--marketplace',
      'ebay',
      '--region',
      'EBAY_DE',
      '--account-id',
      seller.sellerId,
      '--refresh-token-file',
      tokenFile,
    ]);
    expect(added).toMatch(/^connection \S+ ebay\/EBAY_DE active\n$/);
    const list = (await ok(['connection', 'list', '--tenant', tenant.tenantId])).split('\n');
    expect(list[0].split(/\s+/)).toEqual(['connectionId', 'marketplace', 'region', 'accountId', 'status', 'reason']);
    expect(list[2]).toMatch(/ ebay +EBAY_DE +\S+ +active +-$/);

    m.clock.set(new Date().toISOString()); // the simulator's clock catches up with the real one the CLI uses
    const synced = JSON.parse(await ok(['sync', '--once', '--tenant', tenant.tenantId, '--json']));
    expect(synced.runs).toMatchObject([{ marketplace: 'ebay', result: 'done', created: 4 }]);
    expect(synced.skipped).toEqual([]);
    const again = await ok(['sync', '--once', '--tenant', tenant.tenantId]);
    expect(again).toContain('no connection was synced');
    expect(again).toMatch(/not due until \d{4}-\d\d-\d\dT/);
    expect(again).toContain('orders stored: ebay 4');
  }, 240_000);
});
