/**
 * What the access log's verification code asks of `node:crypto`, for the browser bundle (esbuild maps
 * `node:crypto` here; console-scripts.ts): SHA-256 and Ed25519 verification, synchronous as the shared code
 * expects, from the audited @noble libraries. Never loaded by Node.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

interface Hash {
  update(data: Uint8Array | string): Hash;
  digest(): Buffer;
  digest(encoding: 'hex'): string;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== 'sha256') throw new Error(`only sha256 is available here, not ${algorithm}`);
  const state = sha256.create();
  const hash = {
    update(data: Uint8Array | string) {
      state.update(typeof data === 'string' ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest(encoding?: 'hex') {
      const out = Buffer.from(state.digest());
      return encoding === 'hex' ? out.toString('hex') : out;
    },
  } as Hash;
  return hash;
}

interface Ed25519Jwk {
  readonly key: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
}

/** Only the JWK form the verification code builds (an Ed25519 public key). */
export function createPublicKey(options: Ed25519Jwk): { readonly raw: Uint8Array } {
  if (options.key.kty !== 'OKP' || options.key.crv !== 'Ed25519') throw new Error('only Ed25519 public keys');
  // base64url, as the JWK carries it
  return { raw: Buffer.from(options.key.x.replace(/-/g, '+').replace(/_/g, '/'), 'base64') };
}

export function verify(
  algorithm: null,
  message: Uint8Array,
  key: { readonly raw: Uint8Array },
  signature: Uint8Array,
): boolean {
  if (algorithm !== null) return false;
  try {
    return ed25519.verify(signature, message, key.raw);
  } catch {
    return false;
  }
}
