import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';

describe('CLI: first-run staff admin, tenants and the access log', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovcli-'));
  // An embedded database of its own (commands run one after another, as an operator would).
  const env = { ORDERVAULT_DATA_DIR: dir, LOG_LEVEL: 'error' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the first admin (key shown once), a tenant, and a verifiable signed log', async () => {
    const staff = await runCli(['staff', 'create', '--role', 'admin', '--name', 'Ada Admin', '--json'], env);
    expect(staff.code).toBe(0);
    const created = JSON.parse(staff.stdout);
    expect(created.staff).toMatchObject({ name: 'Ada Admin', role: 'admin' });
    expect(created.key.key).toMatch(/^ov_live_[a-z2-9]{16}_/);

    const list = await runCli(['staff', 'list', '--json'], env);
    expect(list.stdout).not.toContain(created.key.key);

    const bad = await runCli(['staff', 'create', '--role', 'janitor', '--name', 'X'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown staff role/);

    expect((await runCli(['tenant', 'create', '--name', 'Acme'], env)).code).toBe(0);
    expect((await runCli(['audit', 'checkpoint'], env)).code).toBe(0);
    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(verify.code).toBe(0);
    // staff.created, key.created, audit.checkpoint.requested (platform chain) and tenant.created (the tenant's chain).
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, chains: 2, entries: 4, checkpoints: 1 });
  }, 300_000); // seven processes, each booting the service on its embedded database: minutes on a busy machine
});
