import type { CanonicalEntry, ChainHead } from './audit-hash';

/**
 * The export format (NDJSON, one JSON object per line), also the records the
 * online verifier consumes, so both verify exactly the same thing:
 *
 *   {"type":"header", "format":"ordervault-audit-export/v1", "scope":"all"|"tenant", "tenantId", "chainId", "exportedAt"}
 *   {"type":"checkpoint", ...}   every checkpoint, oldest first
 *   {"type":"entry", ...}        every entry of the scope, by chain then seq
 *   {"type":"end", "checkpoints": n, "entries": m}
 *
 * Checkpoints come before entries so a verifier knows which (chain, seq) each
 * checkpoint attests while it streams the entries, holding only those heads.
 * An export of all chains carries every checkpoint's full list of heads; a
 * tenant export carries, per checkpoint, only the tenant's head, its leaf
 * index and an RFC 6962 inclusion proof against the signed root, so a seller
 * sees nothing of other tenants and still checks its chain against the same
 * signed statements. Hashes and signatures are lower-case hex; seq values are
 * decimal strings (bigint).
 */
export const EXPORT_FORMAT = 'ordervault-audit-export/v1';

export interface ExportHeader {
  readonly type: 'header';
  readonly format: typeof EXPORT_FORMAT;
  readonly scope: 'all' | 'tenant';
  readonly tenantId: string | null;
  /** The one chain of a tenant export; null for all chains. */
  readonly chainId: string | null;
  readonly exportedAt: string;
}

/** One entry as exported: every hashed field, plus its place in the chain. */
export interface EntryRecord extends CanonicalEntry {
  readonly type: 'entry';
  readonly seq: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface CheckpointRecord {
  readonly type: 'checkpoint';
  readonly checkpointSeq: string;
  readonly createdAt: string;
  readonly chainCount: number;
  readonly root: string;
  readonly signingKeyId: string;
  readonly signature: string;
  /** All heads, sorted by chain id (exports of all chains). */
  readonly heads?: readonly ChainHead[];
  /** The tenant's head (tenant exports); null when the chain did not exist yet at this checkpoint. */
  readonly head?: ChainHead | null;
  readonly leafIndex?: number | null;
  readonly proof?: readonly string[];
}

export interface ExportEnd {
  readonly type: 'end';
  readonly checkpoints: number;
  readonly entries: number;
}

export type ExportRecord = ExportHeader | CheckpointRecord | EntryRecord | ExportEnd;
