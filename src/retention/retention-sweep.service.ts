import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { PiiDestructionService, type ClaimedOrder, type DestructionResult } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager } from '../platform/database/transaction-manager';
import { ConnectionsService, type EndedConnection } from '../connections/connections.service';
import { DeadLetterCopies } from '../sync/dead-letter-copies';
import { RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
import { RetentionPolicyService, type PiiWindows } from './retention-policy.service';

const DAY_MS = 86_400_000;

export interface SweepOptions {
  /** Due dates are computed as of this instant (rehearsals and tests); default now. */
  readonly asOf?: Date;
  /** Only this tenant. */
  readonly tenantId?: string;
  /** Called after every committed batch (progress bars). */
  readonly onBatch?: (batch: SweptBatch) => void;
  /** Called before every batch; a throw stops the sweep there (a job whose lease is lost). */
  readonly beforeBatch?: () => Promise<void>;
}

export interface SweptBatch {
  readonly tenantId: string;
  readonly marketplace: RetentionMarketplace;
  readonly destroyed: number;
}

export interface TenantSweep {
  readonly tenantId: string;
  readonly destroyed: Record<RetentionMarketplace, number>;
  /** Orders destroyed because their connection ended (disconnected, or revoked and not re-authorised). */
  endedConnections: number;
  batches: number;
  /** Copies destroyed with the orders, per holder. */
  readonly copies: Record<string, number>;
}

export interface SweepSummary {
  readonly asOf: string;
  readonly tenants: TenantSweep[];
  readonly destroyed: number;
  /** Dead-letter payloads with no order id destroyed by age. */
  readonly unidentifiedLetters: number;
  readonly durationMs: number;
}

/**
 * Destroys the buyer data that is due: for every tenant and marketplace, orders
 * whose retention anchor is at least the seller's window old. One transaction
 * per batch: claim (FOR UPDATE SKIP LOCKED, so replicas and concurrent runs
 * share a backlog and never take the same order), destroy (orders/), and one
 * `pii.destroyed` receipt listing the batch's orders and the window applied,
 * committed together. Killed at any point, a sweep leaves whole batches done
 * and the rest due for the next one.
 */
@Injectable()
export class RetentionSweeper {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly destruction: PiiDestructionService,
    private readonly policies: RetentionPolicyService,
    private readonly deadLetters: DeadLetterCopies,
    private readonly audit: AuditLog,
    private readonly connections: ConnectionsService,
    private readonly clock: Clock,
  ) {}

  async sweep(by: ActorContext, options: SweepOptions = {}): Promise<SweepSummary> {
    const started = this.clock.nowMs();
    const asOf = options.asOf ?? this.clock.now();
    const tenantIds = options.tenantId
      ? [options.tenantId]
      : await this.transactions.run((tx) => this.destruction.tenantsHoldingPii(tx));
    const tenants: TenantSweep[] = [];
    for (const tenantId of tenantIds) tenants.push(await this.sweepTenant(by, tenantId, asOf, options));
    const unidentifiedLetters = options.tenantId ? 0 : await this.expireUnidentifiedLetters(by, asOf);
    return {
      asOf: asOf.toISOString(),
      tenants,
      destroyed: tenants.reduce((n, t) => n + t.destroyed.amazon + t.destroyed.ebay + t.endedConnections, 0),
      unidentifiedLetters,
      durationMs: this.clock.nowMs() - started,
    };
  }

  /** One tenant, every marketplace, batch after batch until nothing due is left unlocked. */
  async sweepTenant(
    by: ActorContext,
    tenantId: string,
    asOf: Date,
    options: Pick<SweepOptions, 'onBatch' | 'beforeBatch'> = {},
  ): Promise<TenantSweep> {
    const windows = await this.policies.windowsFor(tenantId);
    const result: TenantSweep = {
      tenantId,
      destroyed: { amazon: 0, ebay: 0 },
      endedConnections: 0,
      batches: 0,
      copies: {},
    };
    // Ended connections first: their orders go whatever their own windows say.
    for (const connection of await this.connections.buyerDataDue(tenantId, asOf)) {
      await this.destroyEndedConnection(by, tenantId, connection, asOf, options, result);
    }
    for (const marketplace of RETENTION_MARKETPLACES) {
      const anchorBefore = new Date(asOf.getTime() - windows[marketplace] * DAY_MS);
      let fromAnchor: Date | null = null;
      for (;;) {
        await options.beforeBatch?.();
        const batch = await this.destroyBatch(by, tenantId, marketplace, windows, anchorBefore, fromAnchor);
        if (!batch) break;
        fromAnchor = batch.lastAnchor;
        result.batches++;
        result.destroyed[marketplace] += batch.result.destroyed.length;
        for (const [holder, n] of Object.entries(batch.result.copies)) {
          result.copies[holder] = (result.copies[holder] ?? 0) + n;
        }
        options.onBatch?.({ tenantId, marketplace, destroyed: batch.result.destroyed.length });
      }
    }
    return result;
  }

  /** Sweeps only the tenant's ended connections that are due (a disconnection without grace starts this at once). */
  async sweepEndedConnections(by: ActorContext, tenantId: string, asOf: Date): Promise<number> {
    const result: TenantSweep = {
      tenantId,
      destroyed: { amazon: 0, ebay: 0 },
      endedConnections: 0,
      batches: 0,
      copies: {},
    };
    for (const connection of await this.connections.buyerDataDue(tenantId, asOf)) {
      await this.destroyEndedConnection(by, tenantId, connection, asOf, {}, result);
    }
    return result.endedConnections;
  }

  /**
   * Every order of an ended connection that still holds buyer data, batch after batch, claimed like the due
   * orders (SKIP LOCKED) while the connection row is locked and still due (a re-authorisation that clears the
   * due date first stops it). The last batch marks the connection's buyer data destroyed; rows held by
   * another transaction leave it due for the next sweep.
   */
  private async destroyEndedConnection(
    by: ActorContext,
    tenantId: string,
    connection: EndedConnection,
    asOf: Date,
    options: Pick<SweepOptions, 'onBatch' | 'beforeBatch'>,
    result: TenantSweep,
  ): Promise<void> {
    const selector = { kind: 'connection' as const, connectionId: connection.connectionId };
    for (;;) {
      await options.beforeBatch?.();
      const batch = await this.transactions.run(async (tx) => {
        if (!(await this.connections.lockBuyerDataDue(tx, tenantId, connection.connectionId, asOf))) return null;
        const claimed = await this.destruction.claimMatching(tx, tenantId, selector, this.config.retention.batchSize);
        const now = this.clock.now();
        const destroyed = await this.destruction.destroy(tx, tenantId, claimed, now);
        const more = claimed.length === this.config.retention.batchSize;
        const left = !more && (await this.destruction.holdingMatching(tx, tenantId, selector));
        if (!more && !left) await this.connections.buyerDataDestroyed(tx, tenantId, connection.connectionId, now);
        if (destroyed.destroyed.length) {
          // The receipt commits with the destruction; appended last (it holds the chain head).
          await this.audit.append(tx, {
            tenantId,
            ...auditedBy(by),
            action: 'pii.destroyed',
            targets: { orderIds: destroyed.destroyed.map((d) => d.orderId), connectionId: connection.connectionId },
            reason: endedReceiptReason(connection, destroyed),
            outcome: 'allowed',
          });
        }
        return { destroyed, more };
      });
      if (!batch) return;
      if (batch.destroyed.destroyed.length) {
        result.batches++;
        result.endedConnections += batch.destroyed.destroyed.length;
        for (const [holder, n] of Object.entries(batch.destroyed.copies)) {
          result.copies[holder] = (result.copies[holder] ?? 0) + n;
        }
        options.onBatch?.({
          tenantId,
          marketplace: connection.marketplace,
          destroyed: batch.destroyed.destroyed.length,
        });
      }
      if (!batch.more) return;
    }
  }

  private destroyBatch(
    by: ActorContext,
    tenantId: string,
    marketplace: RetentionMarketplace,
    windows: PiiWindows,
    anchorBefore: Date,
    fromAnchor: Date | null,
  ): Promise<{ result: DestructionResult; lastAnchor: Date } | null> {
    return this.transactions.run(async (tx) => {
      const claimed: ClaimedOrder[] = await this.destruction.claimDue(
        tx,
        tenantId,
        { marketplace, anchorBefore },
        { fromAnchor, limit: this.config.retention.batchSize },
      );
      if (!claimed.length) return null;
      const result = await this.destruction.destroy(tx, tenantId, claimed, this.clock.now());
      if (result.destroyed.length) {
        // The receipt commits with the destruction or neither happens; appended last (it holds the chain head).
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'pii.destroyed',
          targets: { orderIds: result.destroyed.map((d) => d.orderId) },
          reason: receiptReason(marketplace, windows[marketplace], anchorBefore, result),
          outcome: 'allowed',
        });
      }
      return { result, lastAnchor: claimed[claimed.length - 1].retentionAnchorAt };
    });
  }

  /** Dead letters without an order id: payloads destroyed by age, one receipt per tenant. */
  async expireUnidentifiedLetters(by: ActorContext, asOf: Date): Promise<number> {
    const before = new Date(asOf.getTime() - this.config.retention.unidentifiedLetterDays * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await this.transactions.run(async (tx) => {
        const byTenant = await this.deadLetters.expireUnidentified(tx, before, this.config.retention.batchSize);
        let count = 0;
        for (const [tenantId, ids] of byTenant) {
          count += ids.length;
          await this.audit.append(tx, {
            tenantId,
            ...auditedBy(by),
            action: 'pii.destroyed',
            reason: `retention: ${ids.length} dead-letter payload(s) without an order id, first seen before ${before.toISOString()} (${this.config.retention.unidentifiedLetterDays} days)`,
            outcome: 'allowed',
          });
        }
        return count;
      });
      total += n;
      if (n < this.config.retention.batchSize) return total;
    }
  }
}

/** What a receipt for an ended connection records: which connection, why it ended, when its data was due. */
function endedReceiptReason(connection: EndedConnection, result: DestructionResult): string {
  const copies = Object.entries(result.copies)
    .filter(([, n]) => n > 0)
    .map(([holder, n]) => `${n} ${holder}`);
  const why =
    connection.reason === 'disconnected'
      ? 'disconnected by the seller'
      : `authorisation revoked (${connection.reason})`;
  return (
    `connection ended: ${connection.marketplace} connection ${why}, buyer data due ${connection.dueAt.toISOString()}; ` +
    `data keys shredded: ${result.keysShredded}` +
    (copies.length ? `; copies destroyed: ${copies.join(', ')}` : '')
  );
}

/** The policy a receipt records: which window, counted from which anchor, and what else went with the orders. */
function receiptReason(
  marketplace: RetentionMarketplace,
  windowDays: number,
  anchorBefore: Date,
  result: DestructionResult,
): string {
  const copies = Object.entries(result.copies)
    .filter(([, n]) => n > 0)
    .map(([holder, n]) => `${n} ${holder}`);
  return (
    `retention: ${marketplace} buyer-data window ${windowDays} days after the retention anchor ` +
    `(anchored at or before ${anchorBefore.toISOString()}); data keys shredded: ${result.keysShredded}` +
    (copies.length ? `; copies destroyed: ${copies.join(', ')}` : '')
  );
}
