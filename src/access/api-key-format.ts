import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys look like `ov_live_<id>_<secret>`: the prefix says what it is (secret
 * scanners can match it), the 16-character id is public and finds the row, and
 * the 43-character secret carries 256 random bits of which we keep only a
 * SHA-256. A key is shown once, at creation.
 */
export const KEY_PREFIX = 'ov_live_';
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const KEY_PATTERN = /^ov_live_([a-z2-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  readonly keyId: string;
  /** The whole key, to show once. */
  readonly key: string;
  readonly secretHash: Buffer;
}

export function issueKey(): IssuedKey {
  const idBytes = randomBytes(16);
  let keyId = '';
  for (const b of idBytes) keyId += ID_ALPHABET[b % ID_ALPHABET.length];
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `${KEY_PREFIX}${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented key; null when it is not shaped like one of ours. */
export function parseKey(presented: string): { keyId: string; secret: string } | null {
  const m = KEY_PATTERN.exec(presented);
  return m ? { keyId: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time: equal-length digests compared without early exit. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return storedHash.length === candidate.length && timingSafeEqual(candidate, storedHash);
}

/** A stand-in digest so unknown key ids cost the same work as known ones. */
export const DUMMY_HASH = hashSecret('ordervault-no-such-key');
