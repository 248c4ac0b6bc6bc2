import { canonicalEntryJson, type CanonicalEntry } from './canonical-json';
import { fromHex, toHex } from './audit-manifest';

/**
 * The chain links of an NDJSON export, checked with nothing but an async
 * SHA-256: per chain, seq continuity, each prev hash equal to the previous
 * entry's hash, and each hash recomputed from the entry's own fields (the
 * byte format of audit-hash.ts). Free of Node so the in-browser verifier runs
 * it with WebCrypto; the CLI's full verifier (audit-verification.ts) also
 * checks the signed checkpoints and their Merkle roots, and agrees with it on
 * the first edited entry.
 */
export interface LinkProblem {
  readonly line: number;
  readonly chainId: string;
  readonly seq: string;
  readonly problem: 'malformed' | 'gap' | 'broken_link' | 'hash_mismatch';
  readonly detail: string;
}

export interface LinkCheck {
  readonly ok: boolean;
  readonly chains: number;
  readonly entries: number;
  readonly checkpoints: number;
  readonly firstBad?: LinkProblem;
}

const GENESIS = '0'.repeat(64);

function be64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface EntryLine extends CanonicalEntry {
  readonly type: 'entry';
  readonly seq: string;
  readonly prevHash: string;
  readonly hash: string;
}

export async function checkExportLinks(
  text: string,
  sha256: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<LinkCheck> {
  const chains = new Map<string, { seq: bigint; hash: string }>();
  const encoder = new TextEncoder();
  let entries = 0;
  let checkpoints = 0;
  let firstBad: LinkProblem | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && !firstBad; i++) {
    const line = i + 1;
    if (!lines[i].trim()) continue;
    let record: EntryLine | { type?: unknown };
    try {
      record = JSON.parse(lines[i]) as EntryLine;
    } catch {
      firstBad = { line, chainId: 'export', seq: String(line), problem: 'malformed', detail: 'not JSON' };
      break;
    }
    if (record.type === 'checkpoint') checkpoints++;
    if (record.type !== 'entry') continue;
    const e = record as EntryLine;
    entries++;
    if (typeof e.seq !== 'string' || !/^[1-9][0-9]{0,18}$/.test(e.seq) || !/^[0-9a-f]{64}$/.test(e.prevHash ?? '')) {
      firstBad = { line, chainId: String(e.chainId), seq: String(e.seq), problem: 'malformed', detail: 'bad shape' };
      break;
    }
    const seq = BigInt(e.seq);
    const state = chains.get(e.chainId) ?? { seq: 0n, hash: GENESIS };
    if (seq !== state.seq + 1n) {
      const missing = seq > state.seq + 1n;
      firstBad = {
        line,
        chainId: e.chainId,
        seq: missing ? String(state.seq + 1n) : e.seq,
        problem: missing ? 'gap' : 'broken_link',
        detail: missing ? `entry ${state.seq + 1n} is missing (next is ${seq})` : 'entry out of order or repeated',
      };
      break;
    }
    if (e.prevHash !== state.hash) {
      firstBad = {
        line,
        chainId: e.chainId,
        seq: e.seq,
        problem: 'broken_link',
        detail: "prev hash is not the previous entry's hash",
      };
      break;
    }
    const hash = toHex(await sha256(concat(fromHex(e.prevHash), be64(seq), encoder.encode(canonicalEntryJson(e)))));
    if (hash !== e.hash) {
      firstBad = {
        line,
        chainId: e.chainId,
        seq: e.seq,
        problem: 'hash_mismatch',
        detail: 'stored hash does not match the entry: it was edited',
      };
      break;
    }
    chains.set(e.chainId, { seq, hash });
  }
  return { ok: !firstBad, chains: chains.size, entries, checkpoints, ...(firstBad ? { firstBad } : {}) };
}
