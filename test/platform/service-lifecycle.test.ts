import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** Starts the built service with `env`; its JSON log lines are collected as they come. */
function startService(buildDir: string, env: Record<string, string>) {
  const proc = spawn(process.execPath, [path.join(buildDir, 'dist/src/main.js')], {
    cwd: buildDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stderr = '';
  let pending = '';
  const waiters: Array<() => void> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const p of parts.filter(Boolean)) lines.push(JSON.parse(p) as LogLine);
    waiters.splice(0).forEach((w) => w());
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lineWith = async (msg: string): Promise<LogLine> => {
    for (;;) {
      const found = lines.find((l) => l.msg === msg);
      if (found) return found;
      if (proc.exitCode !== null) throw new Error(`service exited before "${msg}": ${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  return { proc, lines, exited, lineWith };
}

/**
 * The built service (`node dist/src/main.js`, as `npm start` and the image run it) in a child process:
 * it logs what it started with, and SIGTERM stops it gracefully (schedulers stop claiming, workers finish,
 * database pool closed, exit 0), each step logged in that order.
 */
describe('the service process: start-up and graceful shutdown', () => {
  const buildDir = path.join(ROOT, '.test-build', randomBytes(4).toString('hex'));
  let db: TestDatabase;
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // A build of its own (not dist/): other test files may be building meanwhile.
    await run(process.execPath, [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      path.join(ROOT, 'config/tsconfig.build.json'),
      '--outDir',
      path.join(buildDir, 'dist'),
    ]);
    copyFileSync(path.join(ROOT, 'package.json'), path.join(buildDir, 'package.json'));
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ovt-service-'));
  }, 300_000);
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.close();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs port, database kind and scheduler at start, and on SIGTERM stops claiming work, closes the pool and exits 0', async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      // Production-like when a PostgreSQL server is at hand (production refuses the embedded database).
      NODE_ENV: db.url ? 'production' : 'development',
      ...(db.url ? { DATABASE_URL: db.url } : { ORDERVAULT_DATA_DIR: dataDir }),
      ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SYNC_SCHEDULER_ENABLED: 'true',
    };
    const { proc, lines, exited, lineWith } = startService(buildDir, env);
    child = proc;
    const started = await lineWith('ordervault started');
    expect(started).toMatchObject({
      level: 'info',
      version: '0.1.0',
      env: env.NODE_ENV,
      host: '127.0.0.1',
      scheduler: 'on',
      mailRelay: 'off',
      database: db.url ? 'postgresql server (DATABASE_URL)' : `embedded PGlite (${dataDir})`,
    });
    expect(started.port).toEqual(expect.any(Number));
    expect(started.port).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${started.port as number}/health/ready`);
    expect(ready.status).toBe(200);

    proc.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    const order = [
      'shutting down',
      'sync stopped claiming work; finishing the runs in flight',
      'sync workers stopped',
      'ordervault stopped',
    ];
    const at = order.map((msg) => lines.findIndex((l) => l.msg === msg));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The pool closes after the workers stopped. Its line and the last one are written within the same
    // millisecond and have been seen in either order, so only "after the workers" is asserted here.
    const poolClosed = lines.findIndex((l) => l.msg === 'database pool closed');
    expect(poolClosed).toBeGreaterThan(at[2]);
    expect(lines[at[0]]).toMatchObject({ signal: 'SIGTERM' });
    expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    // The port is free again: nothing of the service is left listening.
    await expect(fetch(`http://127.0.0.1:${started.port as number}/health/live`)).rejects.toThrow();
  }, 120_000);

  it('on the embedded database with the scheduler on, the sync tick does not take the one session from the API', async () => {
    const embeddedDir = mkdtempSync(path.join(os.tmpdir(), 'ovt-embedded-'));
    const { proc, exited, lineWith } = startService(buildDir, {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      ORDERVAULT_DATA_DIR: embeddedDir,
      ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SYNC_SCHEDULER_ENABLED: 'true',
      SYNC_TICK_SECONDS: '1',
    });
    child = proc;
    try {
      const started = await lineWith('ordervault started');
      expect(started).toMatchObject({ scheduler: 'on', database: `embedded PGlite (${embeddedDir})` });
      // Across several ticks (one at start, then every second), every query the API makes is answered. The
      // deadline only tells a hang from an answer: a tick that kept the session would keep these waiting forever.
      for (let i = 0; i < 5; i++) {
        const ready = await fetch(`http://127.0.0.1:${started.port as number}/health/ready`, {
          signal: AbortSignal.timeout(30_000),
        });
        expect(ready.status).toBe(200);
        await new Promise((r) => setTimeout(r, 500));
      }
      proc.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      rmSync(embeddedDir, { recursive: true, force: true });
    }
  }, 120_000);
});
