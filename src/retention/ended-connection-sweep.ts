import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { ConnectionsService, type EndedConnection } from '../connections/connections.service';
import { PiiDestructionService, type DestructionResult } from '../orders';
import { Clock } from '../platform/clock/clock';
import { TransactionManager } from '../platform/database/transaction-manager';
import type { BatchHooks } from './buyer-data-sweep';
import { LegalHoldsService } from './legal-holds.service';

export interface EndedConnectionsSweep {
  /** Orders whose buyer data was destroyed because their connection ended. */
  destroyed: number;
  batches: number;
  /** A tenant-wide legal hold is active: nothing was destroyed. */
  heldWholeTenant: boolean;
  readonly copies: Record<string, number>;
}

/**
 * The buyer data of a tenant's ended connections (disconnected, or revoked and not re-authorised) whose
 * grace has run out, whatever the orders' own retention windows say. Per batch, in one transaction: the
 * connection row locked while still due (a re-authorisation takes the same lock and clears the date, so the
 * two never cross), the legal holds (read under their shared lock, as every destruction batch does: held
 * orders stay, and keep the connection due until the hold ends), its orders claimed SKIP LOCKED, destroyed
 * by the one destruction step, and a `pii.destroyed` receipt naming the connection. The last batch marks the
 * connection's buyer data destroyed; rows held by another transaction leave it due for the next sweep.
 */
@Injectable()
export class EndedConnectionSweeper {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly destruction: PiiDestructionService,
    private readonly connections: ConnectionsService,
    private readonly holds: LegalHoldsService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async sweepTenant(
    by: ActorContext,
    tenantId: string,
    asOf: Date,
    hooks: BatchHooks = {},
  ): Promise<EndedConnectionsSweep> {
    const result: EndedConnectionsSweep = { destroyed: 0, batches: 0, heldWholeTenant: false, copies: {} };
    for (const connection of await this.connections.buyerDataDue(tenantId, asOf)) {
      await this.destroyConnection(by, tenantId, connection, asOf, hooks, result);
      if (result.heldWholeTenant) break;
    }
    return result;
  }

  private async destroyConnection(
    by: ActorContext,
    tenantId: string,
    connection: EndedConnection,
    asOf: Date,
    hooks: BatchHooks,
    result: EndedConnectionsSweep,
  ): Promise<void> {
    const selector = { kind: 'connection' as const, connectionId: connection.connectionId };
    const limit = this.config.retention.batchSize;
    for (;;) {
      await hooks.beforeBatch?.();
      const batch = await this.transactions.run(async (tx) => {
        if (!(await this.connections.lockBuyerDataDue(tx, tenantId, connection.connectionId, asOf))) return null;
        const held = await this.holds.heldForSweep(tx, tenantId, this.clock.now());
        if (held.wholeTenant) return 'tenant held' as const;
        const claimed = await this.destruction.claimMatching(tx, tenantId, selector, limit, held.orderIds);
        const now = this.clock.now();
        const destroyed = await this.destruction.destroy(tx, tenantId, claimed, now, 'retention');
        const more = claimed.length === limit;
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
      if (batch === 'tenant held') {
        result.heldWholeTenant = true;
        return;
      }
      if (!batch) return;
      if (batch.destroyed.destroyed.length) {
        result.batches++;
        result.destroyed += batch.destroyed.destroyed.length;
        for (const [holder, n] of Object.entries(batch.destroyed.copies)) {
          result.copies[holder] = (result.copies[holder] ?? 0) + n;
        }
        hooks.onBatch?.({
          tenantId,
          marketplace: connection.marketplace,
          destroyed: batch.destroyed.destroyed.length,
          recordsExpired: 0,
        });
      }
      if (!batch.more) return;
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
