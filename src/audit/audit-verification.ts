import { signingKeyIdOf, verifyEd25519 } from '../crypto/signing-key-format';
import {
  canonicalEntryBytes,
  checkpointStatementBytes,
  compareChainIds,
  entryHash,
  GENESIS_HASH,
  headLeafHash,
  merkleRoot,
  verifyInclusion,
  type ChainHead,
} from './audit-hash';
import { EXPORT_FORMAT, type CheckpointRecord, type EntryRecord, type ExportHeader } from './audit-records';

export type AuditProblemCode =
  /** An entry's stored hash is not SHA-256(prev || seq || canonical bytes) of its own fields: the entry was edited. */
  | 'hash_mismatch'
  /** An entry's prev hash is not the previous entry's hash (entries swapped, replaced or out of order). */
  | 'broken_link'
  /** A seq is missing (entry or checkpoint deleted); `seq` names the missing one. */
  | 'gap'
  /** A checkpoint or the chain head attests seq N but the entries end earlier; `seq` is the first missing one. */
  | 'missing_tail'
  /** A checkpoint's signature does not verify with any published key. */
  | 'bad_signature'
  /** A checkpoint's root is not the Merkle root of its heads (or its inclusion proof does not reach it). */
  | 'root_mismatch'
  /** An entry differs from what a checkpoint or the chain head attests for its seq, or heads moved backwards. */
  | 'head_mismatch'
  /** An export line is not valid (not JSON, wrong shape, out of order, truncated file). */
  | 'malformed';

export interface AuditProblem {
  /** `tenant:<uuid>` or `platform`; `checkpoints` for a checkpoint's own problem; `export` for the file itself. */
  readonly chainId: string;
  /** The exact entry (or checkpoint seq, or export line number). */
  readonly seq: string;
  readonly problem: AuditProblemCode;
  /** The checkpoint involved, if any. */
  readonly checkpointSeq?: string;
  readonly detail: string;
}

export interface AuditVerificationReport {
  readonly ok: boolean;
  readonly chains: number;
  readonly entries: number;
  readonly checkpoints: number;
  /** Entries newer than the last checkpoint that attests their chain: intact as far as links go, not yet signed. */
  readonly unattestedEntries: number;
  readonly firstBad?: AuditProblem;
  /** The first problem of each chain and each checkpoint problem, at most 100. */
  readonly problems: AuditProblem[];
}

const HEX32 = /^[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{128}$/;
const SEQ = /^[1-9][0-9]{0,18}$/;
const MAX_PROBLEMS = 100;
const CHECKPOINTS = 'checkpoints';
const EXPORT = 'export';

interface ChainState {
  lastSeq: bigint;
  lastHash: Buffer;
  entries: number;
  /** The newest entry a checkpoint attested with the hash found: nothing up to it can have been changed. */
  lastConfirmed: bigint;
}

interface Attested {
  readonly seq: bigint;
  readonly hash: string;
  readonly checkpointSeq: string;
}

/**
 * Verifies an access log fed as records: checkpoints first (oldest first), then
 * entries (each chain in seq order), then optionally the current chain heads.
 * Pure and streaming: it holds one state per chain and the distinct heads the
 * checkpoints attest, never the entries. The online verifier and the offline
 * verifier of an export both use it, so they agree by construction.
 *
 * Per chain it reports the first problem only: after it, everything later in
 * that chain is suspect anyway and would only repeat it. Checks per entry, in
 * order: seq continuity (gap), prev-hash link (broken_link), recomputed hash
 * (hash_mismatch), agreement with every checkpoint head at that seq
 * (head_mismatch). Per checkpoint: seq continuity, signature by a given
 * public key, root recomputed from the heads (or the inclusion proof of the
 * tenant's head), heads never moving backwards. A checkpoint that fails its
 * signature or root is not trusted for anything else.
 */
export class AuditLogVerifier {
  private readonly keys = new Map<string, Buffer>();
  private readonly chains = new Map<string, ChainState>();
  private readonly bad = new Map<string, AuditProblem>();
  private readonly otherProblems: AuditProblem[] = [];
  /** Per chain: seq → what checkpoints attest. */
  private readonly attests = new Map<string, Map<bigint, Attested>>();
  /** Per chain: the highest attested seq. */
  private readonly highest = new Map<string, Attested>();
  /** Heads of the last trusted checkpoint. */
  private lastHeads = new Map<string, Attested>();
  private readonly currentHeads = new Map<string, { seq: bigint; hash: string }>();
  private headsGiven = false;
  private nextCheckpointSeq = 1n;
  private checkpointCount = 0;
  private entryCount = 0;
  private entriesStarted = false;
  /** Set for a tenant's export: its checkpoints carry only this chain's head and a proof. */
  private scopeChainId: string | null = null;

  constructor(publicKeys: readonly Uint8Array[]) {
    for (const key of publicKeys) this.keys.set(signingKeyIdOf(key), Buffer.from(key));
  }

  header(h: ExportHeader, where = '1'): void {
    if (h.format !== EXPORT_FORMAT) return this.other(EXPORT, where, 'malformed', `unknown export format`);
    if (h.scope === 'tenant') {
      if (typeof h.chainId !== 'string' || !h.chainId.startsWith('tenant:')) {
        return this.other(EXPORT, where, 'malformed', 'a tenant export must name its chain');
      }
      this.scopeChainId = h.chainId;
    }
  }

  checkpoint(c: CheckpointRecord, where?: string): void {
    if (this.entriesStarted) {
      return this.other(EXPORT, where ?? c.checkpointSeq, 'malformed', 'checkpoints must come before entries');
    }
    const shapeProblem = checkpointShape(c, this.scopeChainId !== null);
    if (shapeProblem) return this.other(EXPORT, where ?? String(c.checkpointSeq), 'malformed', shapeProblem);
    this.checkpointCount++;
    const seq = BigInt(c.checkpointSeq);
    if (seq !== this.nextCheckpointSeq) {
      if (seq > this.nextCheckpointSeq) {
        this.other(
          CHECKPOINTS,
          String(this.nextCheckpointSeq),
          'gap',
          `checkpoint ${this.nextCheckpointSeq} is missing`,
        );
      } else {
        this.other(CHECKPOINTS, c.checkpointSeq, 'gap', 'checkpoint out of order or repeated');
      }
    }
    this.nextCheckpointSeq = seq + 1n;

    const key = this.keys.get(c.signingKeyId);
    const statement = checkpointStatementBytes(c);
    if (!key || !verifyEd25519(key, statement, Buffer.from(c.signature, 'hex'))) {
      return this.checkpointProblem(
        c,
        'bad_signature',
        key ? 'signature does not verify' : `signed by key ${c.signingKeyId}, which is not among the given public keys`,
      );
    }

    if (c.heads) {
      const heads = c.heads;
      if (heads.length !== c.chainCount) {
        return this.checkpointProblem(c, 'root_mismatch', `lists ${heads.length} heads but signs ${c.chainCount}`);
      }
      for (let i = 1; i < heads.length; i++) {
        if (compareChainIds(heads[i - 1].chainId, heads[i].chainId) >= 0) {
          return this.checkpointProblem(c, 'root_mismatch', 'heads are not sorted by chain id without duplicates');
        }
      }
      if (merkleRoot(heads.map(headLeafHash)).toString('hex') !== c.root) {
        return this.checkpointProblem(c, 'root_mismatch', 'root is not the Merkle root of the listed heads');
      }
      const next = new Map<string, Attested>();
      for (const h of heads) next.set(h.chainId, this.attest(c, h));
      for (const [chainId, prev] of this.lastHeads) {
        if (!next.has(chainId)) {
          this.chainProblem(
            chainId,
            String(prev.seq),
            'head_mismatch',
            c.checkpointSeq,
            'chain is missing from this checkpoint',
          );
        }
      }
      this.lastHeads = next;
      return;
    }

    // A tenant export: the tenant's head and its inclusion proof.
    const scope = this.scopeChainId!;
    const head = c.head ?? null;
    if (head === null) {
      const prev = this.lastHeads.get(scope);
      if (prev) {
        this.chainProblem(
          scope,
          String(prev.seq),
          'head_mismatch',
          c.checkpointSeq,
          'chain is missing from this checkpoint',
        );
      }
      return;
    }
    if (head.chainId !== scope) {
      return this.checkpointProblem(c, 'root_mismatch', 'the proven head is not of the exported chain');
    }
    const proof = (c.proof ?? []).map((p) => Buffer.from(p, 'hex'));
    if (!verifyInclusion(headLeafHash(head), c.leafIndex!, c.chainCount, proof, Buffer.from(c.root, 'hex'))) {
      return this.checkpointProblem(c, 'root_mismatch', 'inclusion proof of the head does not reach the signed root');
    }
    this.lastHeads = new Map([[scope, this.attest(c, head)]]);
  }

  entry(e: EntryRecord, where?: string): void {
    this.entriesStarted = true;
    const shapeProblem = entryShape(e);
    if (shapeProblem) {
      const chainId = typeof e.chainId === 'string' && e.chainId ? e.chainId : EXPORT;
      if (chainId === EXPORT) return this.other(EXPORT, where ?? '0', 'malformed', shapeProblem);
      this.chainProblem(chainId, typeof e.seq === 'string' ? e.seq : '0', 'malformed', undefined, shapeProblem);
      return;
    }
    if (this.scopeChainId !== null && e.chainId !== this.scopeChainId) {
      this.chainProblem(e.chainId, e.seq, 'malformed', undefined, 'entry of another chain in a tenant export');
      return;
    }
    this.entryCount++;
    const state = this.state(e.chainId);
    state.entries++;
    if (this.bad.has(e.chainId)) return;
    const seq = BigInt(e.seq);
    const expected = state.lastSeq + 1n;
    if (seq > expected) {
      return this.chainProblem(
        e.chainId,
        String(expected),
        'gap',
        undefined,
        `entry ${expected} is missing (next is ${seq})`,
      );
    }
    if (seq < expected) {
      return this.chainProblem(e.chainId, e.seq, 'broken_link', undefined, 'entry out of order or repeated');
    }
    const prevHash = Buffer.from(e.prevHash, 'hex');
    if (!prevHash.equals(state.lastHash)) {
      return this.chainProblem(
        e.chainId,
        e.seq,
        'broken_link',
        undefined,
        "prev hash is not the previous entry's hash",
      );
    }
    const recomputed = entryHash(prevHash, seq, canonicalEntryBytes(e));
    if (recomputed.toString('hex') !== e.hash) {
      return this.chainProblem(e.chainId, e.seq, 'hash_mismatch', undefined, 'stored hash does not match the entry');
    }
    const attested = this.attests.get(e.chainId)?.get(seq);
    if (attested && attested.hash !== e.hash) {
      // Links and hashes check out, so later hashes were recomputed after an edit: the edited entry can be any one
      // after the last entry a checkpoint confirmed. Report the earliest that could have been changed.
      const earliest = state.lastConfirmed + 1n;
      return this.chainProblem(
        e.chainId,
        String(earliest),
        'head_mismatch',
        attested.checkpointSeq,
        `checkpoint ${attested.checkpointSeq} attests another hash for seq ${e.seq}: an entry from seq ${earliest} to ${e.seq} was rewritten and the hashes after it recomputed`,
      );
    }
    if (attested) state.lastConfirmed = seq;
    state.lastSeq = seq;
    state.lastHash = recomputed;
  }

  /** Online only: the chain heads table (`audit_chain_heads`), after all entries. */
  currentHead(head: ChainHead): void {
    this.headsGiven = true;
    this.currentHeads.set(head.chainId, { seq: BigInt(head.seq), hash: head.hash });
  }

  /** Declares that the heads table was read (even if empty), so chains without a head row are reported. */
  headsComplete(): void {
    this.headsGiven = true;
  }

  /** A problem found outside the records (e.g. a truncated export file). */
  fileProblem(where: string, detail: string): void {
    this.other(EXPORT, where, 'malformed', detail);
  }

  finish(): AuditVerificationReport {
    for (const [chainId, top] of this.highest) {
      const last = this.chains.get(chainId)?.lastSeq ?? 0n;
      if (last < top.seq) {
        this.chainProblem(
          chainId,
          String(last + 1n),
          'missing_tail',
          top.checkpointSeq,
          `checkpoint ${top.checkpointSeq} attests seq ${top.seq} but the entries end at ${last}`,
        );
      }
    }
    if (this.headsGiven) {
      for (const [chainId, head] of this.currentHeads) {
        const last = this.chains.get(chainId)?.lastSeq ?? 0n;
        if (last < head.seq) {
          this.chainProblem(
            chainId,
            String(last + 1n),
            'missing_tail',
            undefined,
            `the chain head says seq ${head.seq} but the entries end at ${last}`,
          );
        } else if (last > head.seq) {
          this.chainProblem(
            chainId,
            String(head.seq + 1n),
            'head_mismatch',
            undefined,
            `the chain head says seq ${head.seq} but entries go on to ${last}`,
          );
        } else if (this.chains.get(chainId)!.lastHash.toString('hex') !== head.hash) {
          this.chainProblem(
            chainId,
            String(last),
            'head_mismatch',
            undefined,
            "the chain head's hash is not the last entry's",
          );
        }
      }
      for (const [chainId, state] of this.chains) {
        if (!this.currentHeads.has(chainId)) {
          this.chainProblem(chainId, String(state.lastSeq), 'head_mismatch', undefined, 'the chain has no head row');
        }
      }
    }

    let unattested = 0;
    for (const [chainId, state] of this.chains) {
      if (this.bad.has(chainId)) continue;
      const top = this.highest.get(chainId)?.seq ?? 0n;
      if (state.lastSeq > top) unattested += Number(state.lastSeq - top);
    }
    const exportProblems = this.otherProblems.filter((p) => p.chainId === EXPORT);
    const checkpointProblems = this.otherProblems
      .filter((p) => p.chainId !== EXPORT)
      .sort((a, b) => compareBig(a.seq, b.seq));
    const chainProblems = [...this.bad.values()].sort(
      (a, b) => compareChainIds(a.chainId, b.chainId) || compareBig(a.seq, b.seq),
    );
    const problems = [...exportProblems, ...chainProblems, ...checkpointProblems].slice(0, MAX_PROBLEMS);
    const chainIds = new Set([...this.chains.keys(), ...this.highest.keys(), ...this.currentHeads.keys()]);
    return {
      ok: problems.length === 0,
      chains: chainIds.size,
      entries: this.entryCount,
      checkpoints: this.checkpointCount,
      unattestedEntries: unattested,
      ...(problems.length ? { firstBad: problems[0] } : {}),
      problems,
    };
  }

  /** Records what a trusted checkpoint says about one chain, checking it never moves backwards. */
  private attest(c: CheckpointRecord, h: ChainHead): Attested {
    const a: Attested = { seq: BigInt(h.seq), hash: h.hash, checkpointSeq: c.checkpointSeq };
    const prev = this.lastHeads.get(h.chainId);
    if (prev && (a.seq < prev.seq || (a.seq === prev.seq && a.hash !== prev.hash))) {
      this.chainProblem(
        h.chainId,
        h.seq,
        'head_mismatch',
        c.checkpointSeq,
        `checkpoint ${c.checkpointSeq} moves the head back from seq ${prev.seq} (checkpoint ${prev.checkpointSeq})`,
      );
    }
    let bySeq = this.attests.get(h.chainId);
    if (!bySeq) this.attests.set(h.chainId, (bySeq = new Map()));
    const seen = bySeq.get(a.seq);
    if (seen && seen.hash !== a.hash) {
      this.chainProblem(
        h.chainId,
        h.seq,
        'head_mismatch',
        c.checkpointSeq,
        `checkpoints ${seen.checkpointSeq} and ${c.checkpointSeq} disagree`,
      );
    } else if (!seen) {
      bySeq.set(a.seq, a);
    }
    const top = this.highest.get(h.chainId);
    if (!top || a.seq > top.seq) this.highest.set(h.chainId, a);
    return a;
  }

  private state(chainId: string): ChainState {
    let s = this.chains.get(chainId);
    if (!s) this.chains.set(chainId, (s = { lastSeq: 0n, lastHash: GENESIS_HASH, entries: 0, lastConfirmed: 0n }));
    return s;
  }

  private chainProblem(
    chainId: string,
    seq: string,
    problem: AuditProblemCode,
    checkpointSeq: string | undefined,
    detail: string,
  ): void {
    if (this.bad.has(chainId)) return;
    this.bad.set(chainId, { chainId, seq, problem, ...(checkpointSeq ? { checkpointSeq } : {}), detail });
  }

  private checkpointProblem(c: CheckpointRecord, problem: AuditProblemCode, detail: string): void {
    this.other(CHECKPOINTS, c.checkpointSeq, problem, detail, c.checkpointSeq);
  }

  private other(chainId: string, seq: string, problem: AuditProblemCode, detail: string, checkpointSeq?: string): void {
    if (this.otherProblems.length < MAX_PROBLEMS) {
      this.otherProblems.push({ chainId, seq, problem, ...(checkpointSeq ? { checkpointSeq } : {}), detail });
    }
  }
}

/**
 * Verifies an export read line by line (NDJSON), with nothing but the
 * published public key(s): no database, no network. Lines may be fed one at a
 * time (`push`) so a large file streams.
 */
export class ExportVerifier {
  private readonly verifier: AuditLogVerifier;
  private line = 0;
  private sawHeader = false;
  private sawEnd = false;
  private checkpoints = 0;
  private entries = 0;
  /** The end line's number when its counts disagree with the file. */
  private countMismatchAt: string | null = null;

  constructor(publicKeys: readonly Uint8Array[]) {
    this.verifier = new AuditLogVerifier(publicKeys);
  }

  push(text: string): void {
    this.line++;
    const where = String(this.line);
    if (text.trim() === '') return;
    if (this.sawEnd) return this.verifier.fileProblem(where, 'content after the end line');
    let record: { type?: unknown };
    try {
      record = JSON.parse(text) as { type?: unknown };
    } catch {
      return this.verifier.fileProblem(where, 'not JSON');
    }
    if (!this.sawHeader) {
      if (record?.type !== 'header') return this.verifier.fileProblem(where, 'the first line must be the header');
      this.sawHeader = true;
      return this.verifier.header(record as ExportHeader, where);
    }
    switch (record?.type) {
      case 'checkpoint':
        this.checkpoints++;
        return this.verifier.checkpoint(record as CheckpointRecord, where);
      case 'entry':
        this.entries++;
        return this.verifier.entry(record as EntryRecord, where);
      case 'end': {
        this.sawEnd = true;
        const end = record as { checkpoints?: unknown; entries?: unknown };
        // Reported after the log's own faults: a deleted entry also breaks these counts, and the gap it
        // leaves is what the reader needs first.
        if (end.checkpoints !== this.checkpoints || end.entries !== this.entries) this.countMismatchAt = where;
        return;
      }
      default:
        return this.verifier.fileProblem(where, 'unknown record type');
    }
  }

  finish(): AuditVerificationReport {
    if (!this.sawHeader) this.verifier.fileProblem('0', 'empty export');
    else if (!this.sawEnd) this.verifier.fileProblem(String(this.line), 'the export has no end line (truncated file?)');
    const report = this.verifier.finish();
    if (this.countMismatchAt === null) return report;
    const counts: AuditProblem = {
      chainId: EXPORT,
      seq: this.countMismatchAt,
      problem: 'malformed',
      detail: 'the end line counts other numbers of checkpoints or entries than the file holds',
    };
    return {
      ...report,
      ok: false,
      firstBad: report.firstBad ?? counts,
      problems: [...report.problems, counts].slice(0, MAX_PROBLEMS),
    };
  }
}

/** Offline verification of a whole export (lines of NDJSON) against the published key(s). */
export function verifyExport(
  lines: Iterable<string>,
  publicKeys: Uint8Array | readonly Uint8Array[],
): AuditVerificationReport {
  const keys = publicKeys instanceof Uint8Array ? [publicKeys] : publicKeys;
  const v = new ExportVerifier(keys);
  for (const line of lines) v.push(line);
  return v.finish();
}

function compareBig(a: string, b: string): number {
  try {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNullableStr = (v: unknown) => v === null || typeof v === 'string';

function headShape(h: unknown): boolean {
  const x = h as ChainHead;
  return (
    !!x &&
    typeof x === 'object' &&
    isStr(x.chainId) &&
    x.chainId.length > 0 &&
    isStr(x.seq) &&
    SEQ.test(x.seq) &&
    isStr(x.hash) &&
    HEX32.test(x.hash)
  );
}

function checkpointShape(c: CheckpointRecord, tenantExport: boolean): string | null {
  if (!isStr(c.checkpointSeq) || !SEQ.test(c.checkpointSeq)) return 'checkpoint seq is not a positive integer';
  if (!isStr(c.createdAt) || Number.isNaN(Date.parse(c.createdAt))) return 'checkpoint time is not a date';
  if (!Number.isSafeInteger(c.chainCount) || c.chainCount < 0) return 'chain count is not a count';
  if (!isStr(c.root) || !HEX32.test(c.root)) return 'root is not 32 bytes of hex';
  if (!isStr(c.signingKeyId) || !isStr(c.signature) || !HEX64.test(c.signature))
    return 'signature is not 64 bytes of hex';
  if (!tenantExport) {
    if (!Array.isArray(c.heads) || !c.heads.every(headShape)) return 'heads are missing or malformed';
    return null;
  }
  if (c.head === null || c.head === undefined) return null;
  if (!headShape(c.head)) return 'head is malformed';
  if (
    !Number.isSafeInteger(c.leafIndex) ||
    !Array.isArray(c.proof) ||
    !c.proof.every((p) => isStr(p) && HEX32.test(p))
  ) {
    return 'inclusion proof is malformed';
  }
  return null;
}

function entryShape(e: EntryRecord): string | null {
  if (!isStr(e.chainId) || !e.chainId) return 'chain id missing';
  if (!isStr(e.seq) || !SEQ.test(e.seq)) return 'seq is not a positive integer';
  if (!isStr(e.prevHash) || !HEX32.test(e.prevHash) || !isStr(e.hash) || !HEX32.test(e.hash))
    return 'hashes are not 32 bytes of hex';
  if (!isNullableStr(e.tenantId) || !isStr(e.occurredAt) || !isStr(e.actorKind) || !isStr(e.actorId))
    return 'fields have the wrong type';
  if (!isNullableStr(e.actorRole) || !isStr(e.action) || !isNullableStr(e.reason) || !isNullableStr(e.ticketRef))
    return 'fields have the wrong type';
  if (!isNullableStr(e.requestId) || !isStr(e.outcome) || typeof e.breakGlass !== 'boolean')
    return 'fields have the wrong type';
  if (e.targets === null || typeof e.targets !== 'object' || Array.isArray(e.targets))
    return 'targets is not an object';
  return null;
}
