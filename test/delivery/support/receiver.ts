import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** When the request's body had arrived (epoch milliseconds). */
  readonly at: number;
}

/** What the receiver answers: a status (and headers, body), `hang` (never answers) or `reset` (drops the socket). */
export type Answer =
  { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'reset' | { drip: number };

/**
 * A webhook receiver on loopback. Every request is recorded; `answer` decides
 * the reply per request (default 200). `waitFor` waits on a condition rather
 * than a time, so a busy machine only makes tests slower.
 */
export class Receiver {
  readonly received: ReceivedRequest[] = [];
  answer: (req: ReceivedRequest, index: number) => Answer = () => ({ status: 200, body: 'ok' });
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  /** Requests answered `hang` whose connection is still open (the sender has not given up on them). */
  private readonly unanswered = new Set<http.ServerResponse>();

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = {
          path: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.received.push(r);
        const a = this.answer(r, this.received.length - 1);
        if (a === 'hang') {
          this.hanging.add(res);
          this.unanswered.add(res);
          res.on('close', () => this.unanswered.delete(res));
          return;
        }
        if (a === 'reset') {
          req.socket.destroy();
          return;
        }
        if ('drip' in a) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => res.write('.'), a.drip);
          res.on('close', () => clearInterval(timer));
          this.hanging.add(res);
          return;
        }
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? '');
      });
    });
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** How many requests answered `hang` the sender is still waiting on. */
  get hangingOpen(): number {
    return this.unanswered.size;
  }

  bodies(): Array<Record<string, any>> {
    return this.received.map((r) => JSON.parse(r.body));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Waits until `check` holds (polling), failing after `timeoutMs` with `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
