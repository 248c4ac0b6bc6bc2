import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import type { ActorContext } from '../auth';
import { chainIdFor } from './audit-entry-input';
import { headLeafHash, inclusionProof } from './audit-hash';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditLog } from './audit-log.service';
import { EXPORT_FORMAT, type CheckpointRecord, type ExportRecord } from './audit-records';
import { checkpointBase, checkpointRecordOf, entryRecordOf, storedHeads, type CheckpointRow } from './audit-rows';
import { auditedBy, tenantInScope, type AuditScope } from './audit-scope';

const CHECKPOINT_BATCH = 200;
const ENTRY_BATCH = 2000;

/**
 * The access log as NDJSON (format in audit-records.ts): every checkpoint,
 * then every entry of the scope, read in keyset-paged batches so memory stays
 * flat however long the log is. A tenant's export carries only its own chain
 * and, per checkpoint, its head with an RFC 6962 inclusion proof.
 */
@Injectable()
export class AuditExportService {
  constructor(
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly entries: AuditEntriesRepository,
  ) {}

  /**
   * Records the export (`audit.exported`, in the exported tenant's chain, or the
   * platform chain for a full export) and returns the lines to stream. The
   * entry is committed before the first line is read, so the export contains
   * its own record. `tenantId`: the tenant to export (a seller's scope names
   * its own); null = every chain the scope allows.
   */
  async open(by: ActorContext, scope: AuditScope, tenantId: string | null): Promise<AsyncIterable<string>> {
    const exported = tenantInScope(scope, tenantId);
    await this.audit.record({
      tenantId: exported,
      ...auditedBy(by),
      action: 'audit.exported',
      targets: exported ? { tenantId: exported } : {},
      outcome: 'allowed',
    });
    return this.lines(exported);
  }

  /** The lines of an export without recording it (the CLI records through `open`). */
  async *lines(tenantId: string | null): AsyncGenerator<string> {
    for await (const record of this.records(tenantId)) yield `${JSON.stringify(record)}\n`;
  }

  /**
   * The export's records. With `tx` every read happens in that transaction (the
   * online verifier passes a REPEATABLE READ one, so checkpoints, entries and
   * heads are one snapshot); without, each batch is its own short query.
   */
  async *records(tenantId: string | null, tx: Tx = this.transactions.manager): AsyncGenerator<ExportRecord> {
    const chainId = tenantId === null ? null : chainIdFor(tenantId);
    yield {
      type: 'header',
      format: EXPORT_FORMAT,
      scope: chainId ? 'tenant' : 'all',
      tenantId,
      chainId,
      exportedAt: this.clock.now().toISOString(),
    };
    let checkpoints = 0;
    const proofs = new ProofCache();
    for (let after = '0'; ;) {
      const rows = await this.checkpoints.after(tx, after, CHECKPOINT_BATCH);
      for (const row of rows) {
        checkpoints++;
        yield chainId ? proofs.tenantRecord(row, chainId) : checkpointRecordOf(row);
      }
      if (rows.length < CHECKPOINT_BATCH) break;
      after = rows[rows.length - 1].checkpoint_seq;
    }
    let entries = 0;
    for (let cursor = { chainId: '', seq: '0' }; ;) {
      const rows = chainId
        ? await this.entries.ofChainAfter(tx, chainId, cursor.seq, ENTRY_BATCH)
        : await this.entries.allAfter(tx, cursor, ENTRY_BATCH);
      for (const row of rows) {
        entries++;
        yield entryRecordOf(row);
      }
      if (rows.length < ENTRY_BATCH) break;
      const last = rows[rows.length - 1];
      cursor = { chainId: last.chain_id, seq: last.seq };
    }
    yield { type: 'end', checkpoints, entries };
  }
}

/**
 * Inclusion proofs of one chain's head per checkpoint. Consecutive checkpoints
 * of a quiet log have the same heads and root, so the proof is computed once
 * per distinct root rather than once per checkpoint.
 */
class ProofCache {
  private last?: { root: string; heads: unknown; leafIndex: number | null; proof: string[] };

  tenantRecord(row: CheckpointRow, chainId: string): CheckpointRecord {
    const base = checkpointBase(row);
    const heads = storedHeads(row);
    const index = heads.findIndex((h) => h?.chainId === chainId);
    const head = index < 0 ? null : heads[index];
    if (index < 0) return { ...base, head: null, leafIndex: null, proof: [] };
    const key = JSON.stringify(heads);
    if (!this.last || this.last.root !== base.root || this.last.heads !== key) {
      let proof: string[] = [];
      try {
        proof = inclusionProof(heads.map(headLeafHash), index).map((p) => p.toString('hex'));
      } catch {
        // Malformed stored heads: export what is stored; the verifier rejects the checkpoint.
      }
      this.last = { root: base.root, heads: key, leafIndex: index, proof };
    }
    return { ...base, head, leafIndex: this.last.leafIndex, proof: this.last.proof };
  }
}
