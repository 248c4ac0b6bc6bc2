import { Injectable } from '@nestjs/common';
import { TransactionManager } from '../platform/database/transaction-manager';
import { OutboxFeedRepository, type FeedRow } from './outbox-feed.repository';

export type { FeedRow } from './outbox-feed.repository';

/** Events placed per sequencing transaction, and passes per read (a backlog is placed over a few reads). */
const PLACE_BATCH = 1000;
const MAX_PASSES = 10;

export interface FeedPage {
  readonly rows: FeedRow[];
  /** The position the next read continues after. */
  readonly position: string;
  /** Whether events past `position` are already readable. */
  readonly hasMore: boolean;
  /** The newest position handed out (a cursor beyond it was never issued). */
  readonly head: string;
}

export interface FeedQuery {
  readonly after: string;
  readonly types?: readonly string[];
  readonly onlyOrderIds?: readonly string[] | null;
  readonly limit: number;
}

/**
 * The tenant's outbox events as a feed in the order they became visible (see
 * OutboxFeedRepository for why that is not `seq` order and how nothing is skipped).
 * Reading sequences first, so a reader never waits for a background job.
 */
@Injectable()
export class OutboxFeedService {
  constructor(
    private readonly feed: OutboxFeedRepository,
    private readonly tx: TransactionManager,
  ) {}

  /** Gives every committed, unplaced event of the tenant a position. Returns how many were placed. */
  async sequence(tenantId: string): Promise<number> {
    let total = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      if (!(await this.feed.hasUnplaced(tenantId))) break;
      const placed = await this.tx.run((tx) => this.feed.place(tx, tenantId, PLACE_BATCH));
      total += placed;
      if (placed < PLACE_BATCH) break;
    }
    return total;
  }

  /** The newest position, after sequencing (where a consumer starting "from now" begins). */
  async head(tenantId: string): Promise<string> {
    await this.sequence(tenantId);
    return this.feed.lastPosition(tenantId);
  }

  async read(tenantId: string, q: FeedQuery): Promise<FeedPage> {
    await this.sequence(tenantId);
    const head = await this.feed.lastPosition(tenantId);
    const rows = await this.feed.read(tenantId, head, {
      after: q.after,
      types: q.types,
      onlyOrderIds: q.onlyOrderIds ?? undefined,
      limit: q.limit + 1,
    });
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    // A short page has read everything up to the head, matching or not: continue from there.
    const position = hasMore ? page[page.length - 1].position : BigInt(head) > BigInt(q.after) ? head : q.after;
    return { rows: page, position, hasMore, head };
  }
}
