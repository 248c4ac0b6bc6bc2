import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startCli } from '../support/cli-process';

/** A port nobody listens on now (the sandbox prints links with it, so it is chosen before start). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => null);
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * `ordervault serve --sandbox` as a newcomer runs it: the real CLI in a child process, nothing configured. It
 * prints a seller API key; with it, `GET /v1/orders` shows orders the scheduler synced from the simulators on
 * its own; `/health/ready` says sandbox; SIGTERM stops it cleanly (exit 0).
 */
describe('ordervault serve --sandbox', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ov-sandbox-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves synced orders to the printed key, says sandbox when asked, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = startCli(['serve', '--sandbox', '--port', String(port)], { ORDERVAULT_DATA_DIR: dir });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    try {
      const key = await until('the printed API key', async () => /API key\s+(ov_live_\S+)/.exec(stdout)?.[1] ?? null);
      expect(stdout).toContain(`http://localhost:${port}/console/invitations/`);
      const base = `http://127.0.0.1:${port}`;
      const ready = await (await fetch(`${base}/health/ready`)).json();
      expect(ready).toMatchObject({ status: 'ok', mode: 'sandbox' });

      // The scheduler syncs both simulated marketplaces on its own, within its first ticks.
      const orders = await until('synced orders from both marketplaces', async () => {
        const res = await fetch(`${base}/v1/orders?limit=200`, { headers: { authorization: `Bearer ${key}` } });
        const body = (await res.json()) as { items: Array<{ marketplace: string; buyer: { pii: string } }> };
        const marketplaces = new Set(body.items.map((o) => o.marketplace));
        return marketplaces.has('amazon') && marketplaces.has('ebay') ? body.items : null;
      });
      expect(orders.length).toBeGreaterThanOrEqual(20);
      // Masked, as everywhere: buyer data only through an audited reveal.
      expect(orders.every((o) => o.buyer.pii === 'sealed' || o.buyer.pii === 'none')).toBe(true);
      expect(await (await fetch(`${base}/v1/orders`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    const result = await child.result;
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(result.stdout + result.stderr).toContain('"msg":"ordervault stopped"');
  }, 150_000);
});
