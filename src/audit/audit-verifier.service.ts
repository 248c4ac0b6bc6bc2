import { Injectable } from '@nestjs/common';
import type { ActorContext } from '../auth';
import { SigningKeyService } from '../crypto';
import { TransactionManager } from '../platform/database/transaction-manager';
import { AuditEntriesRepository } from './audit-entries.repository';
import { chainIdFor } from './audit-entry-input';
import { AuditExportService } from './audit-export.service';
import { AuditLog } from './audit-log.service';
import { AuditLogVerifier, type AuditVerificationReport } from './audit-verification';
import { auditedBy, tenantInScope, type AuditScope } from './audit-scope';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { compareWitness, type WitnessReport } from './audit-witness';
import { toCheckpointView } from './audit.mapper';

/**
 * Online verification: reads the log exactly as an export would (same records,
 * same verifier), plus the chain heads table, all in one REPEATABLE READ
 * read-only transaction so checkpoints, entries and heads are one snapshot
 * (appends committed meanwhile are simply not seen). Signatures are checked
 * with the published keys only, never with anything secret.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly transactions: TransactionManager,
    private readonly exports: AuditExportService,
    private readonly signingKeys: SigningKeyService,
    private readonly entries: AuditEntriesRepository,
    private readonly checkpoints: AuditCheckpointsRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A person's or key's verification report (the console page, GET /v1/audit/verify): recorded as
   * `audit.verified` in the verified tenant's chain (the platform chain for all), then verified.
   */
  async verifyAs(
    by: ActorContext,
    scope: AuditScope,
    requestedTenantId?: string | null,
  ): Promise<AuditVerificationReport> {
    const tenantId = tenantInScope(scope, requestedTenantId);
    await this.audit.record({
      tenantId,
      ...auditedBy(by),
      action: 'audit.verified',
      targets: tenantId ? { tenantId } : {},
      outcome: 'allowed',
    });
    return this.verify(scope, tenantId);
  }

  /** Compares checkpoints kept by an external witness (JSON lines) with the database's. */
  async compareWitness(lines: readonly string[]): Promise<WitnessReport> {
    return this.transactions.run(async (tx) => {
      await this.entries.readOnly(tx);
      const keys = await this.signingKeys.published('audit.checkpoint', tx);
      return compareWitness(
        lines,
        keys.map((k) => k.publicKey),
        async (seq) => {
          const [row] = await this.checkpoints.after(tx, String(BigInt(seq) - 1n), 1);
          return row && String(row.checkpoint_seq) === seq ? toCheckpointView(row) : null;
        },
      );
    }, 'REPEATABLE READ');
  }

  async verify(scope: AuditScope, requestedTenantId?: string | null): Promise<AuditVerificationReport> {
    const tenantId = tenantInScope(scope, requestedTenantId);
    return this.transactions.run(async (tx) => {
      await this.entries.readOnly(tx);
      const keys = await this.signingKeys.published('audit.checkpoint', tx);
      const verifier = new AuditLogVerifier(keys.map((k) => k.publicKey));
      for await (const record of this.exports.records(tenantId, tx)) {
        switch (record.type) {
          case 'header':
            verifier.header(record);
            break;
          case 'checkpoint':
            verifier.checkpoint(record);
            break;
          case 'entry':
            verifier.entry(record);
            break;
        }
      }
      const heads = await this.entries.heads(tx, tenantId ? chainIdFor(tenantId) : null);
      for (const h of heads) verifier.currentHead({ chainId: h.chain_id, seq: h.seq, hash: h.hash });
      verifier.headsComplete();
      return verifier.finish();
    }, 'REPEATABLE READ');
  }
}
