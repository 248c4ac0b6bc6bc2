import axios, { type AxiosInstance } from 'axios';
import type { Readable } from 'node:stream';
import { ORDERVAULT_VERSION } from '../../platform/version';
import { BlockedAddressError, type WebhookTargetGuard } from '../outbound/target-guard';
import type { WebhookAgents } from '../outbound/webhook-agents';
import { classifyStatus, parseRetryAfter, type AttemptResult } from './retry-schedule';

/** The part of an answer that is kept (sealed) in the attempt log. */
export const KEPT_RESPONSE_BYTES = 4096;
export const USER_AGENT = `ordervault/${ORDERVAULT_VERSION} (webhooks)`;

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface SendOutcome {
  readonly result: AttemptResult;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly retryAfterMs: number | null;
  /** The first 4 kB of the answer (for the sealed attempt log only: it may echo buyer data). */
  readonly responseHead: Buffer | null;
}

/**
 * Posts one webhook: through the guarded keep-alive agents (the address
 * connected to is the one checked), no redirects followed, one deadline for the
 * whole exchange (a receiver dripping its answer is cut off like a silent one),
 * and only the first 4 kB of the answer read.
 */
export class WebhookSender {
  private readonly http: AxiosInstance;

  constructor(
    private readonly guard: WebhookTargetGuard,
    agents: WebhookAgents,
    private readonly timeoutMs: number,
    private readonly now: () => Date,
  ) {
    this.http = axios.create({
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      maxRedirects: 0,
      proxy: false,
      responseType: 'stream',
      validateStatus: () => true,
      decompress: false,
      maxBodyLength: Infinity,
      transformRequest: [(data: unknown) => data],
    });
  }

  async send(req: WebhookRequest): Promise<SendOutcome> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      this.guard.assertLiteralAllowed(new URL(req.url));
      const post = () =>
        this.http.post<Readable>(req.url, req.body, {
          headers: { ...req.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
          signal: abort.signal,
        });
      // A kept-alive connection the receiver closed as idle just as we reused it fails before any answer: sent again
      // at once on a new connection, within the same deadline and with the same webhook-id (receivers deduplicate
      // by it), as Node's documentation advises. Once only: a receiver that resets every request fails as before.
      const res = await post().catch((err: unknown) => {
        if (abort.signal.aborted || !resetOnReusedConnection(err)) throw err;
        return post();
      });
      const head = await readHead(res.data, KEPT_RESPONSE_BYTES);
      const retryAfter = res.headers['retry-after'];
      return {
        result: classifyStatus(res.status),
        statusCode: res.status,
        latencyMs: elapsed(),
        retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined, this.now()),
        responseHead: head,
      };
    } catch (err) {
      return {
        result: failureClass(err, abort.signal.aborted),
        statusCode: null,
        latencyMs: elapsed(),
        retryAfterMs: null,
        responseHead: null,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads up to `limit` bytes of a response stream, then lets the rest go (the socket is released or destroyed). */
async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(buf);
      size += buf.length;
      if (size >= limit) break;
    }
  } finally {
    if (size >= limit) stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

function resetOnReusedConnection(err: unknown): boolean {
  const e = err as { code?: unknown; request?: { reusedSocket?: unknown } } | null;
  return (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') && e.request?.reusedSocket === true;
}

function failureClass(err: unknown, timedOut: boolean): AttemptResult {
  if (timedOut) return 'timeout';
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof BlockedAddressError) return 'blocked_address';
    if ((e as { code?: string }).code === 'ERR_WEBHOOK_BLOCKED_ADDRESS') return 'blocked_address';
    if ((e as { code?: string }).code === 'ECONNABORTED' || (e as { code?: string }).code === 'ETIMEDOUT') {
      return 'timeout';
    }
  }
  return 'connection';
}
