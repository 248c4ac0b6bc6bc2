import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { normaliseAuditInput, type AuditEntryInput } from './audit-entry-input';
import { AuditEntriesRepository } from './audit-entries.repository';
import { canonicalEntryBytes, GENESIS_HASH } from './audit-hash';

export interface AppendedEntry {
  readonly chainId: string;
  /** Decimal string: bigint in the database. */
  readonly seq: string;
  /** 64 hex digits. */
  readonly hash: string;
}

/**
 * The access log's only writer. Entries are hash-chained per tenant
 * (`tenant:<uuid>`) plus one `platform` chain, and never hold buyer data
 * (targets are ids; see audit-entry-input.ts).
 *
 * Why one chain per tenant rather than one global chain: a chain's appends
 * serialise on its head row, held from the append until the caller commits.
 * With per-tenant chains, different tenants append in parallel and only one
 * tenant's own accesses queue behind each other; callers append as the last
 * statement of their transaction so the head is held for a commit, not for
 * their work. Per-tenant chains also let a seller receive and verify its own
 * chain (with inclusion proofs against signed checkpoints) without seeing any
 * other tenant's entries. Signed checkpoints tie all chains together.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly entries: AuditEntriesRepository,
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends in the caller's transaction: the entry commits or rolls back with
   * the access it records (fail closed: if this throws, the caller's access
   * must not happen). Call it last in the transaction.
   */
  async append(tx: Tx, input: AuditEntryInput): Promise<AppendedEntry> {
    const e = normaliseAuditInput(input, () => this.clock.now());
    const params = [
      e.chainId,
      e.tenantId,
      GENESIS_HASH,
      canonicalEntryBytes(e),
      e.occurredAt,
      e.actorKind,
      e.actorId,
      e.actorRole,
      e.action,
      JSON.stringify(e.targets),
      e.reason,
      e.ticketRef,
      e.requestId,
      e.outcome,
      e.breakGlass,
    ];
    // Twice at most: the second run only happens after losing a first-use race, and then finds the head.
    for (let attempt = 0; attempt < 2; attempt++) {
      const row = await this.entries.append(tx, params);
      if (row) return { chainId: e.chainId, seq: row.seq, hash: row.hash.toString('hex') };
    }
    throw new DomainError(ErrorCodes.UNAVAILABLE, 'could not append to the access log (chain head unavailable)');
  }

  /** Appends in a transaction of its own (denials and authentication failures, where no other work commits). */
  record(input: AuditEntryInput): Promise<AppendedEntry> {
    return this.transactions.run((tx) => this.append(tx, input));
  }
}
