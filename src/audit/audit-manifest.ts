import { canonicalJson } from './canonical-json';

/**
 * The signed manifest that accompanies every access-log export (NDJSON or
 * CSV): the SHA-256 of the exact file bytes, what the file covers, and an
 * Ed25519 signature by the checkpoint signing key (published at
 * GET /v1/audit/public-key). Pure and free of Node: the CLI and the console's
 * in-browser verifier run this same code, each with its own crypto (Node's
 * OpenSSL, or WebCrypto), so they agree by construction.
 *
 * What is signed, UTF-8:
 *
 *   ordervault/audit/export-manifest/v1\n
 *   <canonical JSON (sorted keys, no whitespace) of the manifest without `signature`>
 *
 * The first line separates it from a checkpoint statement signed by the same key.
 */
export const MANIFEST_FORMAT = 'ordervault-audit-export-manifest/v1';
export const MANIFEST_STATEMENT_ORIGIN = 'ordervault/audit/export-manifest/v1';

export type ExportFileFormat = 'ndjson' | 'csv';

export interface ExportManifestBody {
  readonly format: typeof MANIFEST_FORMAT;
  readonly file: {
    readonly name: string;
    readonly format: ExportFileFormat;
    /** 64 lower-case hex digits: SHA-256 of the file's bytes. */
    readonly sha256: string;
    readonly bytes: number;
  };
  readonly scope: { readonly kind: 'all' | 'tenant'; readonly tenantId: string | null };
  readonly exportedAt: string;
  /** The time span of the entries in the file (null when it holds none). */
  readonly covered: { readonly from: string | null; readonly to: string | null };
  readonly counts: { readonly chains: number; readonly entries: number; readonly checkpoints: number };
  /** The newest checkpoint in the export (null before the first). */
  readonly lastCheckpointSeq: string | null;
  readonly signingKeyId: string;
}

export interface ExportManifest extends ExportManifestBody {
  /** Ed25519 over the statement above, 128 hex digits. */
  readonly signature: string;
}

/** The crypto a verifier brings: Node's in the CLI, WebCrypto in the browser. */
export interface ManifestCrypto {
  sha256(bytes: Uint8Array): Promise<Uint8Array>;
  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export type ManifestProblem =
  'malformed_manifest' | 'unknown_key' | 'bad_signature' | 'file_mismatch' | 'counts_mismatch';

export interface ManifestCheck {
  readonly ok: boolean;
  readonly problem?: ManifestProblem;
  readonly detail: string;
}

export function manifestStatementBytes(body: ExportManifestBody): Uint8Array {
  const { signature: _ignored, ...unsigned } = body as ExportManifest;
  return new TextEncoder().encode(`${MANIFEST_STATEMENT_ORIGIN}\n${canonicalJson(unsigned)}`);
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX32 = /^[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{128}$/;

/** Reads a manifest from its JSON text; null when it is not one. */
export function parseManifest(text: string): ExportManifest | null {
  let m: ExportManifest;
  try {
    m = JSON.parse(text) as ExportManifest;
  } catch {
    return null;
  }
  const ok =
    !!m &&
    m.format === MANIFEST_FORMAT &&
    !!m.file &&
    (m.file.format === 'ndjson' || m.file.format === 'csv') &&
    typeof m.file.sha256 === 'string' &&
    HEX32.test(m.file.sha256) &&
    Number.isSafeInteger(m.file.bytes) &&
    !!m.counts &&
    Number.isSafeInteger(m.counts.entries) &&
    Number.isSafeInteger(m.counts.checkpoints) &&
    typeof m.signingKeyId === 'string' &&
    typeof m.signature === 'string' &&
    HEX64.test(m.signature);
  return ok ? m : null;
}

/**
 * Checks a manifest against the export file's bytes and the published keys
 * (given by key id): the signature first (an unsigned claim proves nothing),
 * then the file's SHA-256 and size. `counted`, when the caller has read the
 * file's records, must match the manifest's counts.
 */
export async function checkManifest(
  crypto: ManifestCrypto,
  manifestText: string,
  file: Uint8Array,
  keys: ReadonlyMap<string, Uint8Array>,
  counted?: { entries: number; checkpoints: number },
): Promise<ManifestCheck> {
  const m = parseManifest(manifestText);
  if (!m) return { ok: false, problem: 'malformed_manifest', detail: 'the manifest is not an export manifest' };
  const key = keys.get(m.signingKeyId);
  if (!key) {
    return {
      ok: false,
      problem: 'unknown_key',
      detail: `the manifest is signed by key ${m.signingKeyId}, which is not among the given public keys`,
    };
  }
  if (!(await crypto.verifyEd25519(key, manifestStatementBytes(m), fromHex(m.signature)))) {
    return { ok: false, problem: 'bad_signature', detail: 'the manifest signature does not verify: it was altered' };
  }
  const digest = toHex(await crypto.sha256(file));
  if (digest !== m.file.sha256 || file.length !== m.file.bytes) {
    return {
      ok: false,
      problem: 'file_mismatch',
      detail: `the file's SHA-256 is ${digest}, the signed manifest says ${m.file.sha256}: the file was altered`,
    };
  }
  if (counted && (counted.entries !== m.counts.entries || counted.checkpoints !== m.counts.checkpoints)) {
    return {
      ok: false,
      problem: 'counts_mismatch',
      detail: 'the file holds other numbers of entries or checkpoints than the signed manifest says',
    };
  }
  return {
    ok: true,
    detail: `manifest signed by key ${m.signingKeyId}; file SHA-256 ${digest} matches (${m.counts.entries} entries)`,
  };
}
