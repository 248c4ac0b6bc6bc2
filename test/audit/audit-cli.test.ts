import type { INestApplicationContext } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditCheckpointService, AuditLog, AuditPublicKeys, chainIdFor } from '../../src/audit';
import type { AppConfig } from '../../src/config';
import { testConfig } from '../support/test-config';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { newId, reveal, silentLogger, tamper } from './audit-fixture';
import { createAuditAppContext } from './support/audit-app';
import { runAuditCli } from './support/audit-cli';

// The real withAppContext builds AppModule, which does not import AuditModule until the lead wires it in; the
// commands are tested on the same application plus AuditModule, on this file's test database.
let mockContext: (work: (app: INestApplicationContext) => Promise<unknown>) => Promise<unknown>;
jest.mock('../../src/cli/app-context', () => ({
  withAppContext: (_config: unknown, work: (app: INestApplicationContext) => Promise<unknown>) => mockContext(work),
}));

const ROOT = path.resolve(__dirname, '../..');

function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'test/support/swc-register.js'), path.join(__dirname, 'support/audit-cli.ts'), ...args],
    // No DATABASE_URL, no master key: offline verification needs neither.
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('ordervault audit (CLI)', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let dir: string;
  const tenant = newId();

  /** Runs a command in this process; returns its exit code and standard output. */
  async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      await runAuditCli(argv, () => config);
      return { code: Number(process.exitCode ?? 0), out };
    } finally {
      spy.mockRestore();
      process.exitCode = undefined;
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ov-audit-cli-'));
    mockContext = async (work) => {
      const app = await createAuditAppContext({ config, database: db.target, logger: silentLogger() });
      try {
        return await work(app);
      } finally {
        await app.close();
      }
    };
    await mockContext(async (app) => {
      for (let i = 1; i <= 4; i++) await app.get(AuditLog).record(reveal(tenant, i));
      await app.get(AuditCheckpointService).writeNow();
    });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  it('verify (online) passes on an intact log, checkpoint and public-key print what they did', async () => {
    const ok = await cli('audit', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^access log verified: 1 chains, 4 entries, 1 checkpoints/);
    const cp = await cli('audit', 'checkpoint', '--json');
    expect(JSON.parse(cp.out)).toMatchObject({ checkpointSeq: '2', chainCount: 2 });
    // Each command acts as the system actor named after it.
    const [requested] = (await mockContext(async (app) => {
      const { DataSource } = await import('typeorm');
      return app
        .get(DataSource)
        .query(
          `SELECT actor_kind, actor_id, request_id FROM audit_entries WHERE action = 'audit.checkpoint.requested'`,
        );
    })) as Array<Record<string, unknown>>;
    expect(requested).toEqual({ actor_kind: 'system', actor_id: 'cli:audit-checkpoint', request_id: null });
    const keys = await cli('audit', 'public-key', '--json');
    expect(JSON.parse(keys.out).current.algorithm).toBe('Ed25519');
  });

  it('checkpoint --out appends each checkpoint to a witness file; verify --witness checks the database still holds them', async () => {
    const witness = path.join(dir, 'witness.ndjson');
    expect((await cli('audit', 'checkpoint', '--out', witness)).code).toBe(0);
    expect((await cli('audit', 'checkpoint', '--out', witness)).code).toBe(0);
    const lines = readFileSync(witness, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).checkpointSeq)).toHaveLength(2);
    const ok = await cli('audit', 'verify', '--witness', witness);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/witness: 2 checkpoints, all present and unchanged/);
    writeFileSync(witness, `${lines[0]}\n${JSON.stringify({ ...JSON.parse(lines[1]), checkpointSeq: '999' })}\n`);
    const bad = await cli('audit', 'verify', '--witness', witness);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/witness: line 2 \(checkpoint 999\)/);
  });

  it('export writes NDJSON; verify --file checks it offline with the public key, in a process without a database', async () => {
    const file = path.join(dir, 'tenant.ndjson');
    expect((await cli('audit', 'export', '--tenant', tenant, '--out', file)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ type: 'header', scope: 'tenant', tenantId: tenant });
    // The export contains its own record, made by the command's system actor.
    expect(lines.map((l) => JSON.parse(l)).filter((r) => r.action === 'audit.exported')).toMatchObject([
      { actorKind: 'system', actorId: 'cli:audit-export', requestId: null, targets: { tenantId: tenant } },
    ]);
    const key = (await mockContext((app) => app.get(AuditPublicKeys).view())) as { current: { publicKey: string } };

    const ok = await runChild(['audit', 'verify', '--file', file, '--public-key', key.current.publicKey]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    // Two checkpoints from the first test, two from the witness test.
    expect(ok.stdout).toMatch(/access log verified: 1 chains, 5 entries, 4 checkpoints/);

    const edited = path.join(dir, 'edited.ndjson');
    writeFileSync(
      edited,
      lines
        .map((l) => {
          const r = JSON.parse(l);
          return r.type === 'entry' && r.seq === '2' ? JSON.stringify({ ...r, reason: 'routine' }) : l;
        })
        .join('\n'),
    );
    const bad = await runChild(['audit', 'verify', '--file', edited, '--public-key', key.current.publicKey]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`first bad: ${chainIdFor(tenant)} seq 2: hash_mismatch`);

    const json = await runChild(['audit', 'verify', '--file', edited, '--public-key', key.current.publicKey, '--json']);
    expect(JSON.parse(json.stdout).firstBad).toMatchObject({ chainId: chainIdFor(tenant), seq: '2' });

    // A deleted entry: the plain text names the gap (the log's first fault), as --json does, not the end line's counts.
    const deleted = path.join(dir, 'deleted.ndjson');
    writeFileSync(
      deleted,
      lines
        .filter((l) => {
          const r = JSON.parse(l);
          return !(r.type === 'entry' && r.seq === '3');
        })
        .join('\n'),
    );
    const gap = await runChild(['audit', 'verify', '--file', deleted, '--public-key', key.current.publicKey]);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain(`first bad: ${chainIdFor(tenant)} seq 3: gap`);
    expect(gap.stdout.split('\n')[1]).not.toContain('export');
    const gapJson = await runChild([
      'audit',
      'verify',
      '--file',
      deleted,
      '--public-key',
      key.current.publicKey,
      '--json',
    ]);
    expect(JSON.parse(gapJson.stdout).firstBad).toMatchObject({
      chainId: chainIdFor(tenant),
      seq: '3',
      problem: 'gap',
    });
    expect((await runChild(['audit', 'verify', '--file', file])).code).toBe(2); // no key given
    expect((await runChild(['audit', 'verify', '--file', file, '--public-key', 'nonsense'])).code).toBe(2);
  }, 300_000); // seven child processes, each starting Node and compiling the CLI

  it('verify (online) exits 1 and prints the first bad entry when the log was tampered with', async () => {
    const opened = await mockContext(async (app) => {
      const { DataSource } = await import('typeorm');
      await tamper(
        app.get(DataSource),
        `UPDATE audit_entries SET action = 'grant.used' WHERE chain_id = $1 AND seq = 3`,
        [chainIdFor(tenant)],
      );
      return true;
    });
    expect(opened).toBe(true);
    const bad = await cli('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`first bad: ${chainIdFor(tenant)} seq 3: hash_mismatch`);
    const json = await cli('audit', 'verify', '--json', '--tenant', tenant);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: false,
      firstBad: { chainId: chainIdFor(tenant), seq: '3', problem: 'hash_mismatch' },
    });
  });
});
