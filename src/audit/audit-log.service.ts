import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { driverQuery } from '../platform/database/driver-query';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { normaliseAuditInput, type AuditEntryInput } from './audit-entry-input';
import { canonicalEntryBytes, GENESIS_HASH } from './audit-hash';

export interface AppendedEntry {
  readonly chainId: string;
  /** Decimal string: bigint in the database. */
  readonly seq: string;
  /** 64 hex digits. */
  readonly hash: string;
}

/*
 * One statement per append, on the caller's transaction:
 *  - `locked` takes the chain head FOR UPDATE (waiting for an in-flight append of the same chain, then reading
 *    the head it committed);
 *  - the next seq and hash are computed in SQL from the locked head, so they are exactly what the lock saw;
 *  - first use: no head yet, so the head row is created directly at seq 1 (prev hash = genesis). Creating it at
 *    seq 0 and advancing it in the same statement is impossible: sibling data-modifying CTEs cannot see each
 *    other's rows. When two transactions create the same head at once, the loser's INSERT … ON CONFLICT DO
 *    NOTHING waits for the winner and then inserts nothing, so no entry is written and the statement is simply
 *    run again (it now finds and locks the winner's head);
 *  - otherwise the head is advanced, and the entry inserted only when one of the two happened.
 * The head row stays locked until the caller commits: appends of one chain serialise, and a rolled-back append
 * rolls back its head too, so chains never have gaps.
 */
const APPEND_SQL = `
WITH locked AS (
  SELECT last_seq, last_hash FROM audit_chain_heads WHERE chain_id = $1 FOR UPDATE
), next AS (
  SELECT coalesce((SELECT last_seq FROM locked), 0) + 1 AS seq,
         coalesce((SELECT last_hash FROM locked), $3::bytea) AS prev_hash,
         NOT EXISTS (SELECT 1 FROM locked) AS first
), hashed AS (
  SELECT seq, prev_hash, first, sha256(prev_hash || int8send(seq) || $4::bytea) AS hash FROM next
), created AS (
  INSERT INTO audit_chain_heads (chain_id, tenant_id, last_seq, last_hash)
  SELECT $1, $2::uuid, seq, hash FROM hashed WHERE first
  ON CONFLICT (chain_id) DO NOTHING
  RETURNING last_seq
), advanced AS (
  UPDATE audit_chain_heads h SET last_seq = hashed.seq, last_hash = hashed.hash
  FROM hashed WHERE h.chain_id = $1 AND NOT hashed.first
  RETURNING h.last_seq
)
INSERT INTO audit_entries (chain_id, seq, tenant_id, occurred_at, actor_kind, actor_id, actor_role, action, targets,
                           reason, ticket_ref, request_id, outcome, break_glass, prev_hash, hash)
SELECT $1, hashed.seq, $2::uuid, $5::timestamptz, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15::boolean,
       hashed.prev_hash, hashed.hash
FROM hashed
WHERE EXISTS (SELECT 1 FROM created) OR EXISTS (SELECT 1 FROM advanced)
RETURNING seq::text AS seq, hash`;

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
      // Straight to the driver: the statement is on the wire as soon as append() is called, so a
      // caller can finish its own CPU work (decrypting what it reveals) while the entry is written.
      const { rows } = await driverQuery<{ seq: string; hash: Buffer }>(tx, APPEND_SQL, params);
      if (rows.length === 1) return { chainId: e.chainId, seq: rows[0].seq, hash: rows[0].hash.toString('hex') };
    }
    throw new DomainError(ErrorCodes.UNAVAILABLE, 'could not append to the access log (chain head unavailable)');
  }

  /** Appends in a transaction of its own (denials and authentication failures, where no other work commits). */
  record(input: AuditEntryInput): Promise<AppendedEntry> {
    return this.transactions.run((tx) => this.append(tx, input));
  }
}
