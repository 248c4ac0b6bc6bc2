import { Injectable } from '@nestjs/common';
import { OUTBOX_EVENT_TYPES, OutboxFeedService } from '../../orders';
import { validationFailed } from '../../platform/errors/domain-error';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor';
import { toThinEvent, type ThinEvent } from './thin-event';

export const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 500;
/** Longest long-poll a consumer may ask for, in seconds. */
export const FEED_MAX_WAIT_SECONDS = 30;
/** How often a waiting request looks again. */
const POLL_INTERVAL_MS = 500;

/** The event types the feed serves (every outbox event: a pull consumer holding copies needs `order.pii_destroyed`). */
export const FEED_EVENT_TYPES: readonly string[] = OUTBOX_EVENT_TYPES;

export interface FeedRequest {
  readonly tenantId: string;
  /** Orders a staff member's grant covers (null or absent: all of the tenant's). */
  readonly onlyOrderIds?: readonly string[] | null;
  readonly after?: string;
  /** Comma-separated event types. */
  readonly types?: string;
  readonly limit?: number;
  /** Seconds to wait for an event when none is ready (0: answer at once). */
  readonly wait?: number;
  /** Aborted when the client goes away during a wait. */
  readonly signal?: AbortSignal;
}

export interface FeedResponse {
  readonly events: ThinEvent[];
  /** Pass as `after` on the next call; present even when `events` is empty. */
  readonly nextCursor: string;
  /** More events are readable now (call again without waiting). */
  readonly hasMore: boolean;
}

/** The pull feed: a tenant's events, thin, in the order they committed, cursor-paged, with optional long-poll. */
@Injectable()
export class EventFeedService {
  constructor(private readonly feed: OutboxFeedService) {}

  async read(r: FeedRequest): Promise<FeedResponse> {
    const after = r.after === undefined || r.after === '' ? '0' : decodeFeedCursor(r.tenantId, r.after);
    const types = parseTypes(r.types);
    const limit = r.limit ?? FEED_DEFAULT_LIMIT;
    const wait = r.wait ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > FEED_MAX_LIMIT)
      throw validationFailed(`limit: 1 to ${FEED_MAX_LIMIT}`, [{ field: 'limit', issue: 'out of range' }]);
    if (!Number.isInteger(wait) || wait < 0 || wait > FEED_MAX_WAIT_SECONDS)
      throw validationFailed(`wait: 0 to ${FEED_MAX_WAIT_SECONDS} seconds`, [{ field: 'wait', issue: 'out of range' }]);

    const query = { after, types, onlyOrderIds: r.onlyOrderIds, limit };
    let page = await this.feed.read(r.tenantId, query);
    if (BigInt(after) > BigInt(page.head)) {
      throw validationFailed('after: this cursor is ahead of the feed', [{ field: 'after', issue: 'not issued' }]);
    }
    if (!page.rows.length && wait > 0) {
      let expired = false;
      const timer = setTimeout(() => (expired = true), wait * 1000);
      try {
        while (!page.rows.length && !expired && !r.signal?.aborted) {
          await pause(POLL_INTERVAL_MS, r.signal);
          if (r.signal?.aborted) break;
          // Continue from where the empty page left off (filtered-out events are not scanned twice).
          page = await this.feed.read(r.tenantId, { ...query, after: page.position });
        }
      } finally {
        clearTimeout(timer);
      }
    }
    return {
      events: page.rows.map(toThinEvent),
      nextCursor: encodeFeedCursor(r.tenantId, page.position),
      hasMore: page.hasMore,
    };
  }
}

function parseTypes(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const types = [...new Set(raw.split(',').map((t) => t.trim()))];
  const unknown = types.filter((t) => !FEED_EVENT_TYPES.includes(t));
  if (unknown.length || !types.length) {
    throw validationFailed(`types: known types are ${FEED_EVENT_TYPES.join(', ')}`, [
      { field: 'types', issue: 'unknown event type' },
    ]);
  }
  return types;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
