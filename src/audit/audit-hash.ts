import { createHash } from 'node:crypto';
import { canonicalEntryJson, type CanonicalEntry } from './canonical-json';

export { canonicalJson, ENTRY_FORMAT_TAG, type CanonicalEntry } from './canonical-json';

/**
 * The byte formats of the access log: how an entry is hashed into its chain,
 * how chain heads become Merkle leaves, and what a checkpoint signs. Pure
 * functions with no database: the online verifier, the offline verifier of an
 * export and the SQL append all agree on these bytes. The specification for
 * independent verifiers is docs/ACCESS-LOG-FORMAT.md (its worked example is
 * recomputed by a test); this comment summarises it.
 *
 * Entry (chain link):
 *
 *   hash(seq) = SHA-256( prev_hash || be64(seq) || canonical_bytes )
 *   prev_hash(1) = GENESIS_HASH (32 zero bytes); prev_hash(n) = hash(n-1)
 *
 * canonical_bytes = UTF-8 of the JSON array (RFC 8785 / JCS serialisation:
 * no whitespace, object keys sorted by UTF-16 code units, strings escaped as
 * ECMAScript JSON.stringify does):
 *
 *   ["ov-audit-v1", chainId, tenantId|null, occurredAt, actorKind, actorId,
 *    actorRole|null, action, targets, reason|null, ticketRef|null,
 *    requestId|null, outcome, breakGlass]
 *
 * with occurredAt as ISO-8601 UTC with milliseconds (`2026-11-02T10:00:00.000Z`),
 * uuids in lower case, targets an object of ids (`orderIds` an array kept in
 * its stored order) and breakGlass a JSON boolean. The leading tag versions the
 * format; chainId is inside so an entry cannot be moved to another chain.
 *
 * Merkle leaf of a chain head (RFC 6962 leaf hash, 0x00 prefix; interior nodes
 * SHA-256(0x01 || left || right)):
 *
 *   leaf = SHA-256( 0x00 || UTF-8(chainId) || 0x00 || be64(seq) || hash )
 *
 * Checkpoint statement (what Ed25519 signs), UTF-8, every line ending in \n:
 *
 *   ordervault/audit/checkpoint/v1
 *   <checkpointSeq>
 *   <createdAt, ISO-8601 UTC with milliseconds>
 *   <chainCount>
 *   <root, 64 lower-case hex digits>
 */
export const CHECKPOINT_STATEMENT_ORIGIN = 'ordervault/audit/checkpoint/v1';
export const HASH_BYTES = 32;
export const GENESIS_HASH: Buffer = Buffer.alloc(HASH_BYTES);

export function canonicalEntryBytes(e: CanonicalEntry): Buffer {
  return Buffer.from(canonicalEntryJson(e), 'utf8');
}

/** SHA-256(prev_hash || be64(seq) || canonical_bytes): what the append statement computes in SQL. */
export function entryHash(prevHash: Uint8Array, seq: bigint, canonical: Uint8Array): Buffer {
  return createHash('sha256').update(prevHash).update(be64(seq)).update(canonical).digest();
}

export function be64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}

// ---------------------------------------------------------------- Merkle (RFC 6962)

export interface ChainHead {
  readonly chainId: string;
  /** Decimal string (bigint). */
  readonly seq: string;
  /** 64 hex digits. */
  readonly hash: string;
}

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);
const ZERO = Buffer.from([0x00]);

export function headLeafHash(head: ChainHead): Buffer {
  return sha256(LEAF, Buffer.from(head.chainId, 'utf8'), ZERO, be64(BigInt(head.seq)), Buffer.from(head.hash, 'hex'));
}

/** Byte order of UTF-8 chain ids (what every verifier sorts by; SQL collations are not used). */
export function compareChainIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** RFC 6962 Merkle Tree Hash over leaf hashes; SHA-256 of the empty string for no leaves. */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  return subtreeRoot(leaves, 0, leaves.length);
}

function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return leaves[start];
  const k = largestPowerOfTwoBelow(n);
  return sha256(NODE, subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 §2.1.1 audit path of leaf `index` in the tree of `leaves`, leaf-side sibling first. */
export function inclusionProof(leaves: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError('leaf index out of range');
  const path: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(subtreeRoot(leaves, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(subtreeRoot(leaves, start, start + k));
    }
  };
  walk(index, 0, leaves.length);
  return path;
}

/** RFC 9162 §2.1.3.2: whether `proof` shows `leafHash` at `index` in a tree of `size` leaves with `root`. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha256(NODE, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = sha256(NODE, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(Buffer.from(root));
}

// ---------------------------------------------------------------- checkpoint statement

export interface CheckpointStatement {
  readonly checkpointSeq: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly createdAt: string;
  readonly chainCount: number;
  /** 64 lower-case hex digits. */
  readonly root: string;
}

export function checkpointStatementBytes(s: CheckpointStatement): Buffer {
  return Buffer.from(
    `${CHECKPOINT_STATEMENT_ORIGIN}\n${s.checkpointSeq}\n${s.createdAt}\n${s.chainCount}\n${s.root.toLowerCase()}\n`,
    'utf8',
  );
}
