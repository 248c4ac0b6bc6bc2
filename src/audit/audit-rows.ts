import type { ChainHead } from './audit-hash';
import type { CheckpointRecord, EntryRecord } from './audit-records';

/**
 * Reading stored rows faithfully, for verification and export: nothing is
 * normalised or repaired on the way (a tampered value must reach the verifier
 * as stored). Times are read as text with microseconds so a change below the
 * millisecond is not hidden by JavaScript's Date; hashes and signatures as hex.
 */
const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export const ENTRY_COLUMNS = `chain_id, seq::text AS seq, tenant_id::text AS tenant_id,
  to_char(occurred_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS occurred_at,
  actor_kind, actor_id, actor_role, action, targets, reason, ticket_ref, request_id, outcome, break_glass,
  encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash`;

export const CHECKPOINT_COLUMNS = `checkpoint_seq::text AS checkpoint_seq,
  to_char(created_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS created_at,
  heads, encode(root, 'hex') AS root, signing_key_id, encode(signature, 'hex') AS signature`;

export interface EntryRow {
  chain_id: string;
  seq: string;
  tenant_id: string | null;
  occurred_at: string;
  actor_kind: string;
  actor_id: string;
  actor_role: string | null;
  action: string;
  targets: unknown;
  reason: string | null;
  ticket_ref: string | null;
  request_id: string | null;
  outcome: string;
  break_glass: boolean;
  prev_hash: string;
  hash: string;
}

export interface CheckpointRow {
  checkpoint_seq: string;
  created_at: string;
  heads: unknown;
  root: string;
  signing_key_id: string;
  signature: string;
}

/** `…12:00:00.123000Z` → `…12:00:00.123Z` (what the log writes); other microseconds are kept and will not verify. */
export const isoFromDb = (text: string): string => text.replace(/(\.\d{3})000Z$/, '$1Z');

export function entryRecordOf(r: EntryRow): EntryRecord {
  return {
    type: 'entry',
    chainId: r.chain_id,
    seq: r.seq,
    tenantId: r.tenant_id,
    occurredAt: isoFromDb(r.occurred_at),
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    targets: r.targets,
    reason: r.reason,
    ticketRef: r.ticket_ref,
    requestId: r.request_id,
    outcome: r.outcome,
    breakGlass: r.break_glass,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Heads as stored (the jsonb list); a malformed list is passed on for the verifier to reject. */
export function storedHeads(r: CheckpointRow): ChainHead[] {
  return Array.isArray(r.heads) ? (r.heads as ChainHead[]) : [];
}

/** A checkpoint with all its heads (exports of every chain, online verification). */
export function checkpointRecordOf(r: CheckpointRow): CheckpointRecord {
  return {
    ...checkpointBase(r),
    heads: storedHeads(r),
  };
}

/**
 * The signed fields. `chainCount` is the number of stored heads: the
 * statement signs it, so heads added or removed afterwards fail the signature
 * or the root.
 */
export function checkpointBase(r: CheckpointRow): Omit<CheckpointRecord, 'heads' | 'head' | 'leafIndex' | 'proof'> {
  return {
    type: 'checkpoint',
    checkpointSeq: r.checkpoint_seq,
    createdAt: isoFromDb(r.created_at),
    chainCount: storedHeads(r).length,
    root: r.root,
    signingKeyId: r.signing_key_id,
    signature: r.signature,
  };
}
