import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock';

/** What a `nextToken` stands for: one query, frozen at the time its first page was served. */
export interface PageCursor {
  readonly sellingPartnerId: string;
  /** Canonical form of the filter parameters the token is bound to. */
  readonly queryKey: string;
  /** Snapshot of the matching order ids, in response order. */
  readonly orderIds: readonly string[];
  readonly offset: number;
  readonly beforeField: 'createdBefore' | 'lastUpdatedBefore';
  readonly beforeValue: string;
  /** When this token was handed out; its 24 h lifetime counts from there. */
  readonly issuedAt: number;
}

export type CursorLookup =
  { ok: true; cursor: PageCursor } | { ok: false; reason: 'unknown' | 'expired' | 'other-seller' | 'query-mismatch' };

/**
 * Opaque, server-side pagination tokens. The model says all other parameters must repeat
 * the values of the request that produced the token (except maxResultsPerPage and
 * includedData) and that "The token will expire after 24 hours" (model
 * SearchOrdersResponse.pagination; reference §1.2 `paginationToken`). Tokens can be
 * replayed until they expire, so a consumer may retry a failed page.
 */
export class PaginationTokens {
  private readonly cursors = new Map<string, PageCursor>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  issue(cursor: PageCursor): string {
    const token = randomBytes(24).toString('base64url');
    this.cursors.set(token, cursor);
    return token;
  }

  resolve(token: string, sellingPartnerId: string, queryKey: string): CursorLookup {
    const cursor = this.cursors.get(token);
    if (!cursor) return { ok: false, reason: 'unknown' };
    if (this.clock.nowMs() >= cursor.issuedAt + this.ttlSeconds * 1000) {
      this.cursors.delete(token);
      return { ok: false, reason: 'expired' };
    }
    if (cursor.sellingPartnerId !== sellingPartnerId) return { ok: false, reason: 'other-seller' };
    if (cursor.queryKey !== queryKey) return { ok: false, reason: 'query-mismatch' };
    return { ok: true, cursor };
  }
}
