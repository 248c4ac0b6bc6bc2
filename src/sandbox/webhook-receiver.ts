import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver saw, in the order it saw it. */
export interface ReceiverTally {
  /** Every request that arrived. */
  readonly requests: number;
  /** Answered 503 on purpose (the first few): the sender must retry them. */
  readonly refusedOnPurpose: number;
  /** Signature verified with the off-the-shelf `standardwebhooks` package, then accepted. */
  readonly verified: number;
  /** Signature did not verify: answered 401 and not accepted. */
  readonly badSignature: number;
  /** Distinct events accepted (`webhook-id`); a retry of an accepted event is acknowledged, not counted twice. */
  readonly distinctEvents: number;
  /** Events accepted per payload `type`. */
  readonly byType: Record<string, number>;
  /** For every order, the versions accepted never went down (no version arrived after a later one). */
  readonly orderedPerOrder: boolean;
}

/**
 * A seller's platform receiving ordervault's webhooks, for the demo and the sandbox: plain HTTP on loopback,
 * every request verified with the `standardwebhooks` package (what a customer system would use), the first
 * `failFirst` requests answered `503` so the sender's retries show. It keeps counts and per-order versions only,
 * never a body: full payloads carry buyer data.
 */
export class DemoWebhookReceiver {
  private readonly server: http.Server;
  private webhook: Webhook | null = null;
  private requests = 0;
  private refused = 0;
  private verified = 0;
  private badSignature = 0;
  private readonly events = new Set<string>();
  private readonly byType: Record<string, number> = {};
  private readonly lastVersion = new Map<string, number>();
  private inversions = 0;

  private constructor(private readonly failFirst: number) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, headers } = this.handle(req.headers, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(status, { 'content-type': 'text/plain', ...headers });
        res.end(status < 300 ? 'ok' : 'no');
      });
    });
    // An idle keep-alive socket is closed well before a sender's agent would reuse it.
    this.server.keepAliveTimeout = 5_000;
  }

  static async start(options: { failFirst: number }): Promise<DemoWebhookReceiver> {
    const r = new DemoWebhookReceiver(options.failFirst);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/ordervault`;
  }

  /** The endpoint's signing secret (`whsec_…`), as the seller pastes it into their platform. */
  trust(secret: string): void {
    this.webhook = new Webhook(secret);
  }

  tally(): ReceiverTally {
    return {
      requests: this.requests,
      refusedOnPurpose: this.refused,
      verified: this.verified,
      badSignature: this.badSignature,
      distinctEvents: this.events.size,
      byType: { ...this.byType },
      orderedPerOrder: this.inversions === 0,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    headers: http.IncomingHttpHeaders,
    body: string,
  ): { status: number; headers?: Record<string, string> } {
    this.requests++;
    if (this.refused < this.failFirst) {
      this.refused++;
      return { status: 503 };
    }
    let payload: { type?: string; data?: { orderId?: string; version?: number } };
    try {
      if (!this.webhook) throw new Error('no secret yet');
      payload = this.webhook.verify(body, {
        'webhook-id': String(headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(headers['webhook-signature'] ?? ''),
      }) as typeof payload;
    } catch {
      this.badSignature++;
      return { status: 401 };
    }
    this.verified++;
    const id = String(headers['webhook-id']);
    if (this.events.has(id)) return { status: 200 };
    this.events.add(id);
    const type = payload.type ?? 'unknown';
    this.byType[type] = (this.byType[type] ?? 0) + 1;
    const orderId = payload.data?.orderId;
    const version = payload.data?.version;
    if (orderId && typeof version === 'number') {
      if (version < (this.lastVersion.get(orderId) ?? 0)) this.inversions++;
      this.lastVersion.set(orderId, Math.max(version, this.lastVersion.get(orderId) ?? 0));
    }
    return { status: 200 };
  }
}
