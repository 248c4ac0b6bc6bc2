import type { ServerResponse } from 'node:http';

/**
 * A raw HTTP answer a simulator sends instead of its own, byte for byte: an error body copied from the real
 * marketplace, so a test can drive every documented answer through the real client without the simulator
 * having to reach the state that produces it.
 */
export interface CannedAnswer {
  readonly status: number;
  readonly body: string;
  /** Default application/json. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Queued one-shot answers per target (API calls, token calls), consumed in order. */
export class CannedAnswers<Target extends string> {
  private readonly pending: Array<{ target: Target; answer: CannedAnswer; remaining: number }> = [];

  push(target: Target, answer: CannedAnswer, count = 1): void {
    if (!Number.isInteger(count) || count < 1) throw new Error('answer count must be a positive integer');
    if (!Number.isInteger(answer.status) || answer.status < 100 || answer.status > 599) {
      throw new Error(`not an HTTP status: ${answer.status}`);
    }
    this.pending.push({ target, answer, remaining: count });
  }

  take(target: Target): CannedAnswer | undefined {
    const index = this.pending.findIndex((p) => p.target === target);
    if (index < 0) return undefined;
    const entry = this.pending[index];
    if (--entry.remaining === 0) this.pending.splice(index, 1);
    return entry.answer;
  }

  clear(): void {
    this.pending.length = 0;
  }
}

export function writeCannedAnswer(
  res: ServerResponse,
  answer: CannedAnswer,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(answer.status, {
    'content-type': answer.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(answer.body),
    ...headers,
    ...answer.headers,
  });
  res.end(answer.body);
}
