import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ALL_TENANTS, chainIdFor } from '../../src/audit';
import { usingServer } from '../support/test-database';
import { auditHarness, newId, type AuditHarness } from './audit-fixture';

const ROOT = path.resolve(__dirname, '../..');
const PER_WORKER = 60;

interface Worker {
  ready: Promise<void>;
  go(): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'test/support/swc-register.js'), path.join(__dirname, 'support/append-worker.ts'), ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      markReady();
      resolve({ code, stdout: stdout.replace(/^ready\n/, ''), stderr });
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
}

describe('access log: three appenders at once', () => {
  let h: AuditHarness;
  const tenantId = newId();

  beforeAll(async () => {
    h = await auditHarness();
  });
  afterAll(() => h.close());

  it('produce one valid, gap-free chain per tenant (server: three OS processes; PGlite: three transactions)', async () => {
    if (usingServer()) {
      // Separate processes, separate pools, one PostgreSQL: started together once all are connected, they race
      // for the same new chain head from the first append.
      const workers = [1, 2, 3].map((w) => startWorker([h.db.url!, tenantId, String(PER_WORKER), String(w)]));
      await Promise.all(workers.map((w) => w.ready));
      workers.forEach((w) => w.go());
      const results = await Promise.all(workers.map((w) => w.done));
      for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
      const outputs = results.map((r) => JSON.parse(r.stdout) as { seqs: string[]; started: number; finished: number });
      const all = outputs.flatMap((o) => o.seqs);
      expect(new Set(all).size).toBe(3 * PER_WORKER); // no seq handed out twice
      // They really ran at the same time: every process started before any finished.
      expect(Math.max(...outputs.map((o) => o.started))).toBeLessThan(Math.min(...outputs.map((o) => o.finished)));
    } else {
      // PGlite is one in-process session: the three appenders' transactions interleave at statement boundaries.
      await Promise.all(
        [1, 2, 3].map(async (w) => {
          for (let i = 0; i < PER_WORKER; i++) {
            await h.audit.record({
              tenantId: i % 3 === 2 ? null : tenantId,
              actor: { kind: 'system', id: `worker-${w}` },
              action: 'pii.forwarded',
              targets: { endpointId: `ep-${w}-${i}` },
              outcome: 'allowed',
            });
          }
        }),
      );
    }
    const seqs = async (chainId: string) =>
      (
        await h.dataSource.query(
          `SELECT e.seq::text AS seq FROM audit_entries e WHERE e.chain_id = $1 ORDER BY e.seq`,
          [chainId],
        )
      ).map((r: { seq: string }) => r.seq);
    const tenantSeqs = await seqs(chainIdFor(tenantId));
    expect(tenantSeqs).toEqual(Array.from({ length: 3 * 40 }, (_, i) => String(i + 1)));
    expect(await seqs('platform')).toEqual(Array.from({ length: 3 * 20 }, (_, i) => String(i + 1)));
    // Every process wrote its share.
    const byWorker = await h.dataSource.query(
      `SELECT actor_id, count(*)::int AS n FROM audit_entries GROUP BY actor_id ORDER BY actor_id`,
    );
    expect(byWorker).toEqual([1, 2, 3].map((w) => ({ actor_id: `worker-${w}`, n: PER_WORKER })));
    await h.checkpoints.writeNow();
    expect(await h.verifier.verify(ALL_TENANTS)).toMatchObject({ ok: true, chains: 2, entries: 3 * PER_WORKER });
  });
});
