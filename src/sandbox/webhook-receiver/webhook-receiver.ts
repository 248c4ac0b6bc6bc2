import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { applySimulatorKeepAlive } from '../keep-alive';

/** A refusal the receiver answers with instead of taking a message. */
export interface Refusal {
  readonly status: number;
  readonly retryAfterSeconds?: number;
}

/** One message the receiver verified and took (answered 2xx). */
export interface TakenMessage {
  readonly path: string;
  readonly webhookId: string;
  /** Position among every request taken, across paths: what "arrived before" means. */
  readonly index: number;
  readonly body: Record<string, unknown>;
}

export interface ReceiverCounts {
  readonly requests: number;
  readonly taken: number;
  readonly refused: number;
  readonly verified: number;
  readonly signatureFailures: number;
  /** Messages (webhook ids on one path) taken more than once. */
  readonly duplicates: number;
}

/**
 * A seller's webhook receiver on loopback, as a customer would write one: every
 * request is verified with the off-the-shelf `standardwebhooks` package against
 * the secret registered for its path (a failed verification is answered 401 and
 * counted). `refuse` may turn a verified request away (a 500, a 503 with
 * Retry-After) so retries can be seen; otherwise it is taken with a 204.
 */
export class WebhookReceiver {
  readonly taken: TakenMessage[] = [];
  private readonly verifiers = new Map<string, Webhook>();
  private requests = 0;
  private refused = 0;
  private verified = 0;
  private signatureFailures = 0;
  private readonly seen = new Set<string>();
  private duplicates = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly refuse: (webhookId: string, body: Record<string, unknown>) => Refusal | null,
  ) {}

  static async start(
    refuse: (webhookId: string, body: Record<string, unknown>) => Refusal | null = () => null,
  ): Promise<WebhookReceiver> {
    const receiver: WebhookReceiver = new WebhookReceiver(
      http.createServer((req, res) => receiver.handle(req, res)),
      refuse,
    );
    applySimulatorKeepAlive(receiver.server);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The URL of `path` (for example `/thin`) on this receiver. */
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Registers the signing secret (`whsec_…`) the endpoint at `path` was given. */
  trust(path: string, secret: string): void {
    this.verifiers.set(path, new Webhook(secret));
  }

  counts(): ReceiverCounts {
    return {
      requests: this.requests,
      taken: this.taken.length,
      refused: this.refused,
      verified: this.verified,
      signatureFailures: this.signatureFailures,
      duplicates: this.duplicates,
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      const path = (req.url ?? '/').split('?')[0];
      const payload = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let body: Record<string, unknown>;
      try {
        const verifier = this.verifiers.get(path);
        if (!verifier) throw new Error('no secret registered for this path');
        body = verifier.verify(payload, headers) as Record<string, unknown>;
      } catch {
        this.signatureFailures++;
        res.writeHead(401).end();
        return;
      }
      this.verified++;
      const webhookId = headers['webhook-id'];
      const refusal = this.refuse(webhookId, body);
      if (refusal) {
        this.refused++;
        const extra: Record<string, string> =
          refusal.retryAfterSeconds != null ? { 'retry-after': String(refusal.retryAfterSeconds) } : {};
        res.writeHead(refusal.status, extra).end();
        return;
      }
      // One message per path: the same event goes to every endpoint under the same webhook id.
      if (this.seen.has(`${path} ${webhookId}`)) this.duplicates++;
      this.seen.add(`${path} ${webhookId}`);
      this.taken.push({ path, webhookId, index: this.taken.length, body });
      res.writeHead(204).end();
    });
  }
}
