import { Injectable } from '@nestjs/common';
import { TransactionManager } from '../platform/database/transaction-manager';
import { OutboxRepository } from './outbox.repository';
import { OutboxRetainers } from './outbox-retainers';

export interface OutboxPurgeResult {
  /** Events deleted (with their feed positions). */
  readonly purged: number;
  /** Old, dispatched events kept because a retainer still needs them, by retainer. */
  readonly retained: Record<string, number>;
}

const DAY_MS = 86_400_000;

/**
 * Deletes outbox events older than the window, never one not yet dispatched (fan-out
 * has not made its deliveries) and never one a retainer still needs (a delivery still
 * pending). Batches are claimed `FOR UPDATE SKIP LOCKED`, so replicas share the work and
 * a fan-out marking events meanwhile is skipped, not waited for.
 */
@Injectable()
export class OutboxPurgeService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly retainers: OutboxRetainers,
    private readonly tx: TransactionManager,
  ) {}

  async purge(now: Date, retentionDays: number, batchSize = 1000): Promise<OutboxPurgeResult> {
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    const retained: Record<string, number> = Object.fromEntries(this.retainers.list().map((r) => [r.name, 0]));
    let purged = 0;
    // Events a retainer keeps are skipped by the next batches (keyset on seq), so the loop ends.
    let afterSeq = '0';
    for (;;) {
      const batch = await this.tx.run(async (tx) => {
        const candidates = await this.outbox.claimPurgeable(tx, cutoff, afterSeq, batchSize);
        const keep = new Set<string>();
        const byTenant = new Map<string, string[]>();
        for (const c of candidates) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c.eventId]);
        for (const [tenantId, eventIds] of byTenant) {
          for (const r of this.retainers.list()) {
            const held = await r.retainedAmong(tx, tenantId, eventIds);
            for (const id of held) keep.add(id);
            retained[r.name] += held.size;
          }
        }
        const doomed = candidates.filter((c) => !keep.has(c.eventId));
        await this.outbox.deleteEvents(tx, doomed);
        return { claimed: candidates.length, deleted: doomed.length, lastSeq: candidates.at(-1)?.seq };
      });
      purged += batch.deleted;
      if (batch.claimed < batchSize || !batch.lastSeq) break;
      afterSeq = batch.lastSeq;
    }
    return { purged, retained };
  }
}
