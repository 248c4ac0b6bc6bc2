import { cryptoFailure } from './crypto-failure';
import { openEnvelope, sealEnvelope, type EnvelopeBinding } from './envelope';
import { deriveSubkey } from './sodium';

const CONTEXT = 'ovmaster';
const WRAPPING_SUBKEY = 1;
const FINGERPRINT_SUBKEY = 2;

export type MasterBinding = Omit<EnvelopeBinding, 'keyId'>;

/**
 * One master key. The raw key is never used directly: a wrapping subkey and a
 * fingerprint are derived from it (keyed BLAKE2b via crypto_kdf with a fixed
 * context), so the id stored beside wrapped rows says which key wraps them and
 * reveals nothing about it. The id is also bound into each wrap's AAD.
 */
export class MasterKey {
  readonly id: string;
  readonly #wrappingKey: Uint8Array;

  constructor(raw: Uint8Array) {
    if (raw.length !== 32) throw cryptoFailure('master key must be 32 bytes');
    this.#wrappingKey = deriveSubkey(32, WRAPPING_SUBKEY, CONTEXT, raw);
    this.id = Buffer.from(deriveSubkey(16, FINGERPRINT_SUBKEY, CONTEXT, raw).subarray(0, 8)).toString('hex');
  }

  wrap(binding: MasterBinding, plaintext: Uint8Array): Buffer {
    return sealEnvelope(this.#wrappingKey, { ...binding, keyId: this.id }, plaintext);
  }

  unwrap(binding: MasterBinding, envelope: Uint8Array): Buffer {
    return openEnvelope(this.#wrappingKey, { ...binding, keyId: this.id }, envelope);
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MasterKey(${this.id})`;
  }
}
