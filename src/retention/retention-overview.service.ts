import { Injectable } from '@nestjs/common';
import { PiiDestructionService, type RetentionCounts } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
import { LegalHoldsService, type TenantHolds } from './legal-holds.service';
import { OrderRecordSweeper } from './order-record-sweep';
import { RetentionPolicyService, type PiiWindows } from './retention-policy.service';

const DAY_MS = 86_400_000;
/** "Due soon" in the seller's status: within this many days. */
export const DUE_SOON_DAYS = 7;
/** "Destroyed recently" in the seller's status: within this many days. */
export const RECENTLY_DESTROYED_DAYS = 30;

/** One tenant and marketplace as a sweep at `asOf` would find it. */
export interface RetentionPreviewRow {
  readonly tenantId: string;
  readonly marketplace: RetentionMarketplace;
  readonly windowDays: number;
  /** Orders still holding buyer data. */
  readonly withBuyerData: number;
  /** Due at `asOf` and not held: what a sweep would destroy. */
  readonly due: number;
  /** Due at `asOf` but kept by a legal hold (the sweep skips them). */
  readonly held: number;
  /** When the earliest buyer data still held is (or was) due; null when none is held. */
  readonly earliestDueAt: string | null;
  /** The bookkeeping period of order records, in months after purchase. */
  readonly recordMonths: number;
  /** Order records past that period and not held: what the sweep deletes (after any buyer data left). */
  readonly recordsDue: number;
  /** Order records past that period kept by a legal hold. */
  readonly recordsHeld: number;
}

export interface RetentionPreview {
  readonly asOf: string;
  readonly rows: RetentionPreviewRow[];
  readonly totals: {
    readonly withBuyerData: number;
    readonly due: number;
    readonly held: number;
    readonly recordsDue: number;
    readonly recordsHeld: number;
  };
}

/** The seller's view of its retention at this instant. */
export interface MarketplaceRetentionStatus {
  readonly marketplace: RetentionMarketplace;
  readonly windowDays: number;
  readonly withBuyerData: number;
  /** Not yet due, due within the next 7 days. */
  readonly dueIn7Days: number;
  /** Past their due date and not under a legal hold: the next sweep destroys them. */
  readonly overdue: number;
  /** Holding buyer data under a legal hold (due or not). */
  readonly held: number;
  /** Of those, past their due date: destroyed in the sweep after the hold ends. */
  readonly heldOverdue: number;
  readonly earliestDueAt: string | null;
  /** Buyer data destroyed in the last 30 days. */
  readonly destroyedLast30Days: number;
}

export interface RetentionStatus {
  readonly tenantId: string;
  readonly asOf: string;
  readonly marketplaces: MarketplaceRetentionStatus[];
  readonly totals: {
    readonly withBuyerData: number;
    readonly dueIn7Days: number;
    readonly overdue: number;
    readonly held: number;
    readonly destroyedLast30Days: number;
  };
}

/**
 * Read-only figures of what retention holds and what is due: the CLI's preview
 * (every tenant, any instant) and the seller's status (now). The same windows
 * and cutoffs as the sweep, so a preview says what a sweep at that instant does.
 */
@Injectable()
export class RetentionOverview {
  constructor(
    private readonly transactions: TransactionManager,
    private readonly destruction: PiiDestructionService,
    private readonly policies: RetentionPolicyService,
    private readonly holds: LegalHoldsService,
    private readonly records: OrderRecordSweeper,
    private readonly clock: Clock,
  ) {}

  async preview(options: { asOf?: Date; tenantId?: string } = {}): Promise<RetentionPreview> {
    const asOf = options.asOf ?? this.clock.now();
    const rows = await this.transactions.run(async (tx) => {
      // Every tenant with orders: one whose buyer data is all gone may still have records due.
      const tenantIds = options.tenantId ? [options.tenantId] : await this.records.tenantsWithOrders(tx);
      const out: RetentionPreviewRow[] = [];
      for (const tenantId of tenantIds) {
        const { windows, counts, held } = await this.countsFor(tx, tenantId, asOf);
        const records = await this.records.countDue(tx, tenantId, asOf, held);
        for (const marketplace of RETENTION_MARKETPLACES) {
          const c = counts.find((x) => x.marketplace === marketplace);
          const r = records[marketplace];
          if (!c && !r.due && !r.held) continue;
          out.push({
            tenantId,
            marketplace,
            windowDays: windows[marketplace],
            withBuyerData: c?.withBuyerData ?? 0,
            due: c?.due ?? 0,
            held: c?.heldDue ?? 0,
            earliestDueAt: c ? dueAt(c.earliestAnchor, windows[marketplace]) : null,
            recordMonths: r.months,
            recordsDue: r.due,
            recordsHeld: r.held,
          });
        }
      }
      return out;
    });
    return {
      asOf: asOf.toISOString(),
      rows,
      totals: {
        withBuyerData: rows.reduce((n, r) => n + r.withBuyerData, 0),
        due: rows.reduce((n, r) => n + r.due, 0),
        held: rows.reduce((n, r) => n + r.held, 0),
        recordsDue: rows.reduce((n, r) => n + r.recordsDue, 0),
        recordsHeld: rows.reduce((n, r) => n + r.recordsHeld, 0),
      },
    };
  }

  async status(tenantId: string): Promise<RetentionStatus> {
    const asOf = this.clock.now();
    const marketplaces = await this.transactions.run(async (tx) => {
      const { windows, counts } = await this.countsFor(tx, tenantId, asOf);
      return counts.map((c): MarketplaceRetentionStatus => {
        const marketplace = c.marketplace as RetentionMarketplace;
        return {
          marketplace,
          windowDays: windows[marketplace],
          withBuyerData: c.withBuyerData,
          dueIn7Days: c.dueSoon,
          overdue: c.due,
          held: c.held,
          heldOverdue: c.heldDue,
          earliestDueAt: dueAt(c.earliestAnchor, windows[marketplace]),
          destroyedLast30Days: c.destroyedSince,
        };
      });
    });
    const sum = (f: (m: MarketplaceRetentionStatus) => number) => marketplaces.reduce((n, m) => n + f(m), 0);
    return {
      tenantId,
      asOf: asOf.toISOString(),
      marketplaces,
      totals: {
        withBuyerData: sum((m) => m.withBuyerData),
        dueIn7Days: sum((m) => m.dueIn7Days),
        overdue: sum((m) => m.overdue),
        held: sum((m) => m.held),
        destroyedLast30Days: sum((m) => m.destroyedLast30Days),
      },
    };
  }

  /** Orders holding buyer data under an active legal hold, per marketplace, over every tenant. */
  async heldOrders(): Promise<Record<RetentionMarketplace, number>> {
    const out = Object.fromEntries(RETENTION_MARKETPLACES.map((m) => [m, 0])) as Record<RetentionMarketplace, number>;
    const active = await this.holds.allActive(this.clock.now());
    const counts = await this.transactions.run((tx) => this.destruction.countHeld(tx, active.tenants, active.orders));
    for (const c of counts) if (c.marketplace in out) out[c.marketplace as RetentionMarketplace] = c.count;
    return out;
  }

  /**
   * Per marketplace, how long the oldest buyer data past its due date has been overdue, in
   * seconds (0 when nothing is overdue), over every tenant. The goal is never more than one
   * sweep interval. Each tenant costs one index probe per marketplace.
   */
  async oldestOverdueSeconds(asOf: Date = this.clock.now()): Promise<Record<RetentionMarketplace, number>> {
    const out = Object.fromEntries(RETENTION_MARKETPLACES.map((m) => [m, 0])) as Record<RetentionMarketplace, number>;
    await this.transactions.run(async (tx) => {
      const now = this.clock.now();
      for (const tenantId of await this.destruction.tenantsHoldingPii(tx)) {
        const held = await this.holds.heldAt(tenantId, now, tx);
        if (held.wholeTenant) continue;
        const windows = await this.policies.windowsFor(tenantId, tx);
        for (const marketplace of RETENTION_MARKETPLACES) {
          const anchor = await this.destruction.earliestAnchor(tx, tenantId, marketplace, held.orderIds);
          if (!anchor) continue;
          const overdueMs = asOf.getTime() - (anchor.getTime() + windows[marketplace] * DAY_MS);
          if (overdueMs > 0) out[marketplace] = Math.max(out[marketplace], overdueMs / 1000);
        }
      }
    });
    return out;
  }

  private async countsFor(
    tx: Tx,
    tenantId: string,
    asOf: Date,
  ): Promise<{ windows: PiiWindows; counts: RetentionCounts[]; held: TenantHolds }> {
    const windows = await this.policies.windowsFor(tenantId, tx);
    const cutoffs = RETENTION_MARKETPLACES.map((marketplace) => {
      const anchorBefore = new Date(asOf.getTime() - windows[marketplace] * DAY_MS);
      return { marketplace, anchorBefore, soonBefore: new Date(anchorBefore.getTime() + DUE_SOON_DAYS * DAY_MS) };
    });
    const destroyedSince = new Date(asOf.getTime() - RECENTLY_DESTROYED_DAYS * DAY_MS);
    // Holds are a present fact (as in the sweep): active now, whatever instant due dates are computed from.
    const held = await this.holds.heldAt(tenantId, this.clock.now(), tx);
    const counts = await this.destruction.retentionCounts(tx, tenantId, cutoffs, held.orderIds, destroyedSince);
    if (!held.wholeTenant) return { windows, counts, held };
    // A tenant-wide hold keeps everything: nothing is due, all of it held.
    return {
      windows,
      held,
      counts: counts.map((c) => ({
        ...c,
        due: 0,
        dueSoon: 0,
        heldDue: c.due + c.heldDue,
        held: c.withBuyerData,
        earliestAnchor: null,
      })),
    };
  }
}

const dueAt = (anchor: Date | null, windowDays: number): string | null =>
  anchor ? new Date(anchor.getTime() + windowDays * DAY_MS).toISOString() : null;
