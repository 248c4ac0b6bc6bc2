import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { normaliseAuditInput, type AuditEntryInput } from './audit-entry-input';
import { AuditEntriesRepository, type ChainedEntryRow } from './audit-entries.repository';
import { canonicalEntryBytes, entryHash, GENESIS_HASH } from './audit-hash';

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

  /**
   * Appends several entries, of any chains, in the caller's transaction with three statements however many
   * chains (a dispatcher's claim writes one `pii.forwarded` entry per tenant and endpoint): the chains' heads are
   * locked in chain order (as every multi-chain append takes them, so two never deadlock), each entry's seq and
   * hash computed from its locked head exactly as the single append computes them in SQL, the entries inserted
   * and the heads advanced. A chain with no head yet (its first entry ever) goes through `append`. Results are in
   * the inputs' order; like `append`, call it last in the transaction.
   */
  async appendMany(tx: Tx, inputs: readonly AuditEntryInput[]): Promise<AppendedEntry[]> {
    const entries = inputs.map((input) => normaliseAuditInput(input, () => this.clock.now()));
    const chains = [...new Set(entries.map((e) => e.chainId))].sort();
    const heads = new Map(
      (await this.entries.lockHeads(tx, chains)).map((h) => [
        h.chain_id,
        { seq: BigInt(h.last_seq), hash: h.last_hash },
      ]),
    );
    const out = new Array<AppendedEntry>(entries.length);
    const rows: ChainedEntryRow[] = [];
    const firstUse: number[] = [];
    entries.forEach((e, i) => {
      const head = heads.get(e.chainId);
      if (!head) {
        firstUse.push(i);
        return;
      }
      const seq = head.seq + 1n;
      const hash = entryHash(head.hash, seq, canonicalEntryBytes(e));
      rows.push({ ...e, seq: seq.toString(), prevHash: head.hash, hash });
      heads.set(e.chainId, { seq, hash });
      out[i] = { chainId: e.chainId, seq: seq.toString(), hash: hash.toString('hex') };
    });
    const moved = new Set(rows.map((r) => r.chainId));
    await this.entries.insertChained(
      tx,
      rows,
      [...moved].map((chainId) => ({
        chainId,
        seq: heads.get(chainId)!.seq.toString(),
        hash: heads.get(chainId)!.hash,
      })),
    );
    for (const i of firstUse) out[i] = await this.append(tx, inputs[i]);
    return out;
  }

  /** Appends in a transaction of its own (denials and authentication failures, where no other work commits). */
  record(input: AuditEntryInput): Promise<AppendedEntry> {
    return this.transactions.run((tx) => this.append(tx, input));
  }
}
