import { signingKeyIdOf, verifyEd25519 } from '../crypto/signing-key-format';
import { checkpointStatementBytes } from './audit-hash';
import type { AuditCheckpointView } from './audit.mapper';

/**
 * Checkpoints kept outside the database (`ordervault audit checkpoint --out
 * FILE`, one JSON line each, on storage the database owner cannot rewrite):
 * an external witness, as transparency logs use. The database's own
 * checkpoints can be cut together with the newest entries; a witness line the
 * database no longer holds, or holds differently, proves it was.
 */
export interface WitnessReport {
  readonly ok: boolean;
  /** Witness lines whose signature verified and that were compared. */
  readonly checked: number;
  readonly firstBad?: { readonly line: number; readonly checkpointSeq: string | null; readonly detail: string };
}

/** Compares witness lines with the database's checkpoints (`stored` looks one up by seq). */
export async function compareWitness(
  lines: readonly string[],
  publicKeys: readonly Uint8Array[],
  stored: (checkpointSeq: string) => Promise<AuditCheckpointView | null>,
): Promise<WitnessReport> {
  const keys = new Map(publicKeys.map((k) => [signingKeyIdOf(k), Buffer.from(k)]));
  let checked = 0;
  for (const [i, text] of lines.entries()) {
    if (!text.trim()) continue;
    const line = i + 1;
    const bad = (checkpointSeq: string | null, detail: string): WitnessReport => ({
      ok: false,
      checked,
      firstBad: { line, checkpointSeq, detail },
    });
    let w: AuditCheckpointView;
    try {
      w = JSON.parse(text) as AuditCheckpointView;
    } catch {
      return bad(null, 'not a JSON line');
    }
    if (typeof w?.checkpointSeq !== 'string' || !/^[1-9][0-9]{0,18}$/.test(w.checkpointSeq)) {
      return bad(null, 'not a checkpoint');
    }
    const key = keys.get(w.signingKeyId);
    if (
      !key ||
      typeof w.signature !== 'string' ||
      !verifyEd25519(key, checkpointStatementBytes(w), Buffer.from(w.signature, 'hex'))
    ) {
      return bad(w.checkpointSeq, 'the witness line is not signed by a published key: it proves nothing');
    }
    checked++;
    const db = await stored(w.checkpointSeq);
    if (!db) {
      return bad(
        w.checkpointSeq,
        `checkpoint ${w.checkpointSeq} is signed and witnessed but missing from the database: the log was cut at or after it`,
      );
    }
    if (
      db.root !== w.root ||
      db.createdAt !== w.createdAt ||
      db.chainCount !== w.chainCount ||
      db.signature !== w.signature
    ) {
      return bad(
        w.checkpointSeq,
        `checkpoint ${w.checkpointSeq} in the database differs from the witnessed one: it was rewritten`,
      );
    }
  }
  return { ok: true, checked };
}
