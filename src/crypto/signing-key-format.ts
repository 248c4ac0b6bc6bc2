import { createHash, createPublicKey, verify } from 'node:crypto';
import { validationFailed } from '../platform/errors/domain-error';

/**
 * Pure helpers around published Ed25519 keys, usable without a database or
 * libsodium (offline verifiers, the CLI). Signing happens in SigningKeyService
 * with libsodium; verification here uses Node's own Ed25519 (OpenSSL), so a
 * signature is checked by a second, independent implementation.
 */
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const SIGNING_ALGORITHM = 'Ed25519';

/**
 * A signing key's id: the first 16 bytes of SHA-256(raw 32-byte public key),
 * hex. Anyone holding the published key can recompute it, so an id names
 * exactly one key and cannot be pointed at another.
 */
export function signingKeyIdOf(publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw validationFailed('an Ed25519 public key is 32 bytes');
  return createHash('sha256').update(publicKey).digest().subarray(0, 16).toString('hex');
}

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. Never throws. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) },
      format: 'jwk',
    });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Reads a published key given as base64, base64url or hex (what the public-key endpoint and CLI print). */
export function parseEd25519PublicKey(text: string): Buffer {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) bytes = Buffer.from(t, 'base64');
  if (!bytes || bytes.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw validationFailed('not an Ed25519 public key (32 bytes as base64 or hex)', [
      { field: 'publicKey', issue: 'expected 32 bytes as base64 or 64 hex digits' },
    ]);
  }
  return bytes;
}

/** base64url without padding, spelled out: the browser bundle's Buffer (the `buffer` package) has no such encoding. */
function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
