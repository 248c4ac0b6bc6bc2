import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BlindIndexService, DataKeyService } from '../crypto';
import type { MarketplaceName } from '../marketplaces/canonical-order';
import type { FetchedPage, RejectedOrder } from '../marketplaces/marketplace-connector';
import { OrderIngestService, PiiDestructionService, type IngestSummary, type UnreadableOrder } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { JobQueue, type ClaimedJob } from '../platform/jobs/job-queue';
import type { AppLogger } from '../platform/logging/app-logger';
import { SEALED_DATA_UNREADABLE } from './dead-letter.entity';
import { DeadLetterRepository, type DeadLetterWrite, type ReplaySettlement } from './dead-letter.repository';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';

export const DEAD_LETTER_PURPOSE = 'dead_letter.payload';

export interface PageScope {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly marketplace: MarketplaceName;
}

export interface CommittedPage extends Omit<IngestSummary, 'unreadable'> {
  readonly deadLettered: number;
  /** Our ids of orders set aside because their stored sealed PII would not open (for the alert). */
  readonly setAside: readonly string[];
  /** Replayed letters given up on in this commit (replay commits only). */
  readonly gaveUp: number;
}

/** PII-free by construction: it names what failed, never what the row holds. */
const UNREADABLE_DETAIL =
  'stored sealed buyer data of this order could not be opened (crypto_failure); order held until its row is restored or its PII shredded';

/**
 * Commits one fetched page atomically: orders and their outbox events, dead
 * letters for orders that could not be read, and the sync position. If the
 * process dies before the commit, nothing of the page is stored and the
 * position still points at it; after the commit, the position has moved past
 * it. Either way a restart neither loses nor duplicates an order.
 */
@Injectable()
export class PageCommitter {
  constructor(
    private readonly tx: TransactionManager,
    private readonly ingest: OrderIngestService,
    private readonly deadLetters: DeadLetterRepository,
    private readonly syncStates: SyncStateRepository,
    private readonly dataKeys: DataKeyService,
    private readonly blindIndex: BlindIndexService,
    private readonly jobs: JobQueue,
    private readonly destruction: PiiDestructionService,
  ) {}

  /**
   * `replay` (dead-letter replay only) records, in the same transaction, what re-fetching
   * taught about letters that did not come back ingestible. The page path passes none and
   * costs not one statement more for it.
   */
  commit(
    scope: PageScope,
    page: FetchedPage,
    nextState: Partial<SyncState>,
    job: ClaimedJob | null,
    clock: Clock,
    replay?: ReplaySettlement,
  ): Promise<CommittedPage> {
    return this.tx.run(async (tx) => {
      // Holding the job's lease (locked here until commit) is what makes this worker the only
      // writer of the connection; a worker whose lease expired stops before writing anything.
      if (job) await this.jobs.assertLease(tx, job);
      const { unreadable, ...summary } = await this.ingest.ingestPage(tx, scope, page.orders);
      const now = clock.now();
      const rejected = unreadable.length ? [...page.rejected, ...unreadable.map(setAside)] : page.rejected;
      const deadLettered = await this.deadLetter(tx, scope, rejected, now);
      const held = new Set(unreadable.map((u) => u.order.marketplaceOrderId));
      await this.syncStates.advance(tx, scope, {
        state: nextState,
        ingested: summary.created + summary.updated + summary.cancelled,
        // Orders that failed before and read fine now: their dead letters are resolved.
        resolveDeadLetters: page.orders.map((o) => o.marketplaceOrderId).filter((id) => !held.has(id)),
        now,
      });
      const gaveUp = replay ? await this.deadLetters.settleReplay(tx, scope.tenantId, replay, now) : 0;
      return { ...summary, deadLettered, setAside: unreadable.map((u) => u.orderId), gaveUp };
    });
  }

  private async deadLetter(tx: Tx, scope: PageScope, rejected: readonly RejectedOrder[], now: Date): Promise<number> {
    if (!rejected.length) return 0;
    const indexer = await this.blindIndex.indexerFor(scope.tenantId, tx);
    // Without an id, a keyed digest of the payload tells repeats of the same broken order apart.
    const keyed = rejected.map((r) => ({
      key:
        r.marketplaceOrderId ??
        `?${indexer
          .content(Buffer.from(JSON.stringify(r.raw) ?? 'null'))
          .toString('hex')
          .slice(0, 24)}`,
      r,
    }));
    const open = await this.deadLetters.findOpen(
      tx,
      scope.tenantId,
      scope.connectionId,
      keyed.map((k) => k.key),
    );
    const repeats = keyed.filter((k) => open.has(k.key));
    const fresh = [...new Map(keyed.filter((k) => !open.has(k.key)).map((k) => [k.key, k])).values()];
    // An order whose buyer data was destroyed never takes it again, not even as a letter's payload.
    const destroyed = await this.destruction.destroyedAmong(
      tx,
      scope.tenantId,
      scope.marketplace,
      fresh.map((k) => k.key),
    );
    const ids = fresh.map(() => randomUUID());
    const handles = await this.dataKeys.createDataKeys(
      tx,
      scope.tenantId,
      ids
        .filter((_, i) => !destroyed.has(fresh[i].key))
        .map((subjectId) => ({ subjectId, purpose: DEAD_LETTER_PURPOSE })),
    );
    const rows: DeadLetterWrite[] = fresh.map((k, i) => ({
      deadLetterId: ids[i],
      connectionId: scope.connectionId,
      marketplace: scope.marketplace,
      marketplaceOrderId: k.key,
      reasonCode: k.r.reasonCode,
      reasonDetail: k.r.reasonDetail.slice(0, 500),
      payloadCiphertext: destroyed.has(k.key)
        ? null
        : handles.get(ids[i])!.seal(DEAD_LETTER_PURPOSE, Buffer.from(JSON.stringify(k.r.raw) ?? 'null')),
    }));
    await this.deadLetters.insertMany(tx, scope.tenantId, rows, now);
    await this.deadLetters.touch(
      tx,
      scope.tenantId,
      repeats.map((k) => open.get(k.key)!),
      new Map(repeats.map((k) => [open.get(k.key)!, { code: k.r.reasonCode, detail: k.r.reasonDetail.slice(0, 500) }])),
      now,
    );
    return rejected.length;
  }
}

/** The order as it came in is the letter's sealed payload: what a human needs to repair the row. */
function setAside(u: UnreadableOrder): RejectedOrder {
  return {
    marketplaceOrderId: u.order.marketplaceOrderId,
    reasonCode: SEALED_DATA_UNREADABLE,
    reasonDetail: UNREADABLE_DETAIL,
    raw: u.order,
  };
}

/**
 * The alert for orders set aside over unreadable sealed data: error level, one line per
 * order, our order id only (no marketplace data, no buyer data, no crypto detail).
 */
export function alertSetAside(log: AppLogger, committed: CommittedPage): void {
  for (const orderId of committed.setAside) {
    log.error('sealed buyer data of an order cannot be opened; order set aside until a human restores or shreds it', {
      orderId,
      reason: SEALED_DATA_UNREADABLE,
    });
  }
}
