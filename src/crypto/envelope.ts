import { randomFillSync } from 'node:crypto';
import { cryptoFailure } from './crypto-failure';
import { AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadDecrypt, aeadEncrypt } from './sodium';

/**
 * Byte layout of every ciphertext this module writes (payloads and wrapped keys):
 *
 *   offset  size  field
 *   0       2     magic "OV" (0x4f 0x56)
 *   2       1     format version (1)
 *   3       1     kind (EnvelopeKind)
 *   4       4     key version, unsigned big-endian
 *   8       24    XChaCha20 nonce (random, from Node's CSPRNG)
 *   32      n+16  XChaCha20-Poly1305 IETF ciphertext and tag
 *
 * AAD = bytes 0..7 of the header, then tenant id, subject id, purpose and key id,
 * each as a 2-byte big-endian length and its UTF-8 bytes. The header is in the
 * AAD so its fields cannot be edited; the ids and purpose are not stored in the
 * envelope at all, so a ciphertext copied to another row, tenant or purpose is
 * opened with a different AAD and fails its tag.
 */
export const EnvelopeKind = {
  /** Data sealed under a per-subject data key. */
  payload: 1,
  /** A data key wrapped by a tenant key version. */
  dataKey: 2,
  /** A tenant key version wrapped by a master key. */
  tenantKey: 3,
  /** A tenant's blind-index root wrapped by a master key. */
  indexRoot: 4,
  /** An Ed25519 signing key's 32-byte seed wrapped by a master key (AAD: purpose and signing key id). */
  signingKey: 5,
} as const;

export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind];

export const ENVELOPE_FORMAT_VERSION = 1;
const MAGIC_0 = 0x4f;
const MAGIC_1 = 0x56;
const BOUND_HEADER_BYTES = 8;
export const ENVELOPE_HEADER_BYTES = BOUND_HEADER_BYTES + AEAD_NONCE_BYTES;
export const ENVELOPE_OVERHEAD_BYTES = ENVELOPE_HEADER_BYTES + AEAD_TAG_BYTES;
const KINDS = new Set<number>(Object.values(EnvelopeKind));
const MAX_KEY_VERSION = 0xffffffff;

/** Everything a ciphertext is bound to. Only kind and key version are stored; the rest must be supplied again. */
export interface EnvelopeBinding {
  readonly kind: EnvelopeKind;
  readonly keyVersion: number;
  readonly tenantId: string;
  readonly subjectId: string;
  readonly purpose: string;
  /** Names the wrapping key where the key version alone does not (master key fingerprint). */
  readonly keyId?: string;
}

export interface EnvelopeHeader {
  readonly formatVersion: number;
  readonly kind: EnvelopeKind;
  readonly keyVersion: number;
}

/** Parses and checks the header without opening anything. */
export function readEnvelopeHeader(envelope: Uint8Array): EnvelopeHeader {
  if (envelope.length < ENVELOPE_OVERHEAD_BYTES) throw cryptoFailure('ciphertext is truncated');
  if (envelope[0] !== MAGIC_0 || envelope[1] !== MAGIC_1) throw cryptoFailure('not an ordervault ciphertext');
  const formatVersion = envelope[2];
  if (formatVersion !== ENVELOPE_FORMAT_VERSION) {
    throw cryptoFailure(`unsupported ciphertext format version ${formatVersion}`);
  }
  const kind = envelope[3];
  if (!KINDS.has(kind)) throw cryptoFailure(`unknown ciphertext kind ${kind}`);
  const keyVersion = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength).readUInt32BE(4);
  return { formatVersion, kind: kind as EnvelopeKind, keyVersion };
}

// Nonces come from Node's CSPRNG (libsodium-wrappers' randombytes_buf is a slow WASM
// round trip), drawn in blocks: one call per 256 nonces instead of one per seal. Each
// slice of the block is handed out exactly once, then the block is refilled.
const NONCE_POOL = Buffer.allocUnsafe(AEAD_NONCE_BYTES * 256);
let noncePoolOffset = NONCE_POOL.length;

function takeNonce(target: Buffer, offset: number): void {
  if (noncePoolOffset + AEAD_NONCE_BYTES > NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    noncePoolOffset = 0;
  }
  NONCE_POOL.copy(target, offset, noncePoolOffset, noncePoolOffset + AEAD_NONCE_BYTES);
  noncePoolOffset += AEAD_NONCE_BYTES;
}

export function sealEnvelope(key: Uint8Array, binding: EnvelopeBinding, plaintext: Uint8Array): Buffer {
  checkKey(key);
  if (!Number.isInteger(binding.keyVersion) || binding.keyVersion < 0 || binding.keyVersion > MAX_KEY_VERSION) {
    throw cryptoFailure('key version out of range');
  }
  const header = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = ENVELOPE_FORMAT_VERSION;
  header[3] = binding.kind;
  header.writeUInt32BE(binding.keyVersion, 4);
  takeNonce(header, BOUND_HEADER_BYTES);
  const aad = buildAad(header, binding);
  const sealed = aeadEncrypt(plaintext, aad, header.subarray(BOUND_HEADER_BYTES), key);
  const out = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + sealed.length);
  header.copy(out, 0);
  out.set(sealed, ENVELOPE_HEADER_BYTES);
  return out;
}

export function openEnvelope(key: Uint8Array, binding: EnvelopeBinding, envelope: Uint8Array): Buffer {
  checkKey(key);
  const header = readEnvelopeHeader(envelope);
  if (header.kind !== binding.kind) throw cryptoFailure('ciphertext is of the wrong kind');
  if (header.keyVersion !== binding.keyVersion) {
    throw cryptoFailure(`ciphertext names key version ${header.keyVersion}, expected ${binding.keyVersion}`);
  }
  const aad = buildAad(envelope, binding);
  let opened: Uint8Array;
  try {
    opened = aeadDecrypt(
      envelope.subarray(ENVELOPE_HEADER_BYTES),
      aad,
      envelope.subarray(BOUND_HEADER_BYTES, ENVELOPE_HEADER_BYTES),
      key,
    );
  } catch {
    throw cryptoFailure(
      'ciphertext failed authentication (altered, or bound to another tenant, subject, purpose or key)',
    );
  }
  return Buffer.from(opened.buffer, opened.byteOffset, opened.byteLength);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== AEAD_KEY_BYTES) throw cryptoFailure('key has the wrong length');
}

function buildAad(header: Uint8Array, binding: EnvelopeBinding): Buffer {
  const fields = [binding.tenantId, binding.subjectId, binding.purpose, binding.keyId ?? ''];
  let size = BOUND_HEADER_BYTES;
  const lengths = fields.map((f) => {
    const n = Buffer.byteLength(f, 'utf8');
    if (n > 0xffff) throw cryptoFailure('binding field too long');
    size += 2 + n;
    return n;
  });
  const aad = Buffer.allocUnsafe(size);
  aad.set(header.subarray(0, BOUND_HEADER_BYTES), 0);
  let at = BOUND_HEADER_BYTES;
  fields.forEach((f, i) => {
    at = aad.writeUInt16BE(lengths[i], at);
    at += aad.write(f, at, 'utf8');
  });
  return aad;
}
