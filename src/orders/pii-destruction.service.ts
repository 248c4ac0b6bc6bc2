import { Injectable } from '@nestjs/common';
import { DataKeyService } from '../crypto';
import type { Tx } from '../platform/database/transaction-manager';
import { BuyerDataCopies } from './buyer-data-copies';
import type { NewOutboxEvent } from './outbox.repository';
import { OutboxRepository } from './outbox.repository';
import {
  PiiDestructionRepository,
  type ClaimedOrder,
  type DestructionSelector,
  type RetentionCounts,
} from './pii-destruction.repository';

export type { ClaimedOrder, DestructionSelector, RetentionCounts } from './pii-destruction.repository';

/** What one destruction did, for the receipt and the metrics (ids and counts, never data). */
export interface DestructionResult {
  /** Orders whose buyer data is now destroyed (claimed orders already destroyed meanwhile are absent). */
  readonly destroyed: ReadonlyArray<{ readonly orderId: string; readonly marketplace: string }>;
  readonly keysShredded: number;
  /** Copies destroyed per holder (dead letters, delivery attempts, ...). */
  readonly copies: Readonly<Record<string, number>>;
}

/**
 * Why buyer data is destroyed: its retention window passed, or the buyer asked (a data-subject
 * erasure, an account deletion). The one destruction step serves both; the cause travels in the
 * `order.pii_destroyed` event, and the caller's receipt names it (`pii.destroyed` / `pii.erased`).
 */
export type DestructionCause = 'retention' | 'erasure';

/** One marketplace's due line: orders anchored at or before `anchorBefore` are due. */
export interface DueCutoff {
  readonly marketplace: string;
  readonly anchorBefore: Date;
}

/**
 * Destroying orders' buyer data, in the caller's transaction (retention runs
 * one per batch and commits its receipt with it). For each order: its data key
 * is deleted (every copy sealed under it, backups included, is unreadable from
 * then on), the ciphertext and both blind indexes are cleared, the buyer half
 * of the content digest is zeroed, the state becomes `destroyed`, the version
 * moves on and an `order.pii_destroyed` event is queued; then every registered
 * holder of a copy destroys its own. Ingestion never stores buyer data on a
 * destroyed order again.
 */
@Injectable()
export class PiiDestructionService {
  constructor(
    private readonly repository: PiiDestructionRepository,
    private readonly outbox: OutboxRepository,
    private readonly dataKeys: DataKeyService,
    private readonly copies: BuyerDataCopies,
  ) {}

  /**
   * Locks up to `limit` due orders of one marketplace, oldest anchor first, skipping rows
   * other transactions hold and the orders in `skip` (legal holds).
   */
  claimDue(
    tx: Tx,
    tenantId: string,
    cutoff: DueCutoff,
    options: { fromAnchor?: Date | null; skip?: readonly string[]; limit: number },
  ): Promise<ClaimedOrder[]> {
    return this.repository.claimDue(
      tx,
      tenantId,
      cutoff.marketplace,
      { anchorBefore: cutoff.anchorBefore, fromAnchor: options.fromAnchor ?? null },
      options.skip ?? [],
      options.limit,
    );
  }

  /**
   * Locks up to `limit` orders of one buyer or one connection that still hold buyer data, due or not
   * (an erasure, a disconnection), skipping rows other transactions hold like `claimDue`.
   */
  claimMatching(
    tx: Tx,
    tenantId: string,
    selector: DestructionSelector,
    limit: number,
    skip: readonly string[] = [],
  ): Promise<ClaimedOrder[]> {
    return this.repository.claimMatching(tx, tenantId, selector, limit, skip);
  }

  /** Whether orders matching the selector still hold buyer data (rows skipped as locked included). */
  holdingMatching(tx: Tx, tenantId: string, selector: DestructionSelector): Promise<boolean> {
    return this.repository.holding(tx, tenantId, selector);
  }

  async destroy(
    tx: Tx,
    tenantId: string,
    claimed: readonly ClaimedOrder[],
    now: Date,
    cause: DestructionCause,
  ): Promise<DestructionResult> {
    if (!claimed.length) return { destroyed: [], keysShredded: 0, copies: {} };
    const rows = await this.repository.clear(
      tx,
      tenantId,
      claimed.map((c) => c.orderId),
      now,
    );
    const ids = rows.map((r) => r.orderId);
    const keysShredded = await this.dataKeys.destroyDataKeys(tx, tenantId, ids);
    const events: NewOutboxEvent[] = rows.map((r) => ({
      orderId: r.orderId,
      type: 'order.pii_destroyed',
      orderVersion: r.version,
      payload: {
        orderId: r.orderId,
        marketplace: r.marketplace,
        marketplaceOrderId: r.marketplaceOrderId,
        status: r.status,
        version: r.version,
        piiDestroyedAt: now.toISOString(),
        cause,
      },
    }));
    await this.outbox.append(tx, tenantId, events, now);
    const copies: Record<string, number> = {};
    for (const holder of this.copies.list()) copies[holder.name] = await holder.destroyCopies(tx, tenantId, rows);
    return { destroyed: rows.map((r) => ({ orderId: r.orderId, marketplace: r.marketplace })), keysShredded, copies };
  }

  /** Which of these marketplace orders have had their buyer data destroyed (so a copy must not be kept). */
  destroyedAmong(tx: Tx, tenantId: string, marketplace: string, marketplaceOrderIds: readonly string[]) {
    return this.repository.destroyedAmong(tx, tenantId, marketplace, marketplaceOrderIds);
  }

  /** A tenant's per-marketplace retention figures (see the repository); `heldOrderIds` are kept by legal holds. */
  retentionCounts(
    tx: Tx,
    tenantId: string,
    cutoffs: ReadonlyArray<{ marketplace: string; anchorBefore: Date; soonBefore: Date }>,
    heldOrderIds: readonly string[],
    destroyedSince: Date,
  ): Promise<RetentionCounts[]> {
    return this.repository.retentionCounts(tx, tenantId, cutoffs, heldOrderIds, destroyedSince);
  }

  /** The oldest anchor of buyer data not held in one marketplace of a tenant (null when none is held). */
  earliestAnchor(tx: Tx, tenantId: string, marketplace: string, heldOrderIds: readonly string[]): Promise<Date | null> {
    return this.repository.earliestAnchor(tx, tenantId, marketplace, heldOrderIds);
  }

  /** Orders still holding buyer data under legal holds, per marketplace (metrics). */
  countHeld(
    tx: Tx,
    wholeTenants: readonly string[],
    orders: ReadonlyArray<{ tenantId: string; orderId: string }>,
  ): Promise<Array<{ marketplace: string; count: number }>> {
    return this.repository.countHeld(tx, wholeTenants, orders);
  }

  /** Tenants with at least one order (of this marketplace, when given) still holding buyer data. */
  tenantsHoldingPii(tx: Tx, marketplace?: string): Promise<string[]> {
    return this.repository.tenantsHoldingPii(tx, marketplace ?? null);
  }

  /** Names of the registered copy holders (for status output and tests). */
  copyHolders(): string[] {
    return this.copies.list().map((h) => h.name);
  }
}
