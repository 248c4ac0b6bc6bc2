// Named imports on purpose: libsodium-wrappers adds its functions to the module
// object only after `ready` resolves, so a namespace import (`import * as`) would
// snapshot an object without them. Named imports are read at call time.
import {
  crypto_aead_xchacha20poly1305_ietf_decrypt,
  crypto_aead_xchacha20poly1305_ietf_encrypt,
  crypto_box_seal,
  crypto_generichash,
  crypto_kdf_derive_from_key,
  ready,
} from 'libsodium-wrappers';

let loaded = false;

/** Resolves once the WASM module is loaded; every crypto service awaits it at boot. */
export async function sodiumReady(): Promise<void> {
  await ready;
  loaded = true;
}

function assertReady(): void {
  // A call before boot finished is a wiring bug; failing loudly beats an obscure WASM error.
  if (!loaded) throw new Error('libsodium used before sodiumReady() resolved');
}

export function aeadEncrypt(plaintext: Uint8Array, aad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  assertReady();
  return crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, null, nonce, key);
}

/** Throws (libsodium's own error) when the tag does not verify. */
export function aeadDecrypt(ciphertext: Uint8Array, aad: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array {
  assertReady();
  return crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, aad, nonce, key);
}

/** Keyed BLAKE2b. */
export function keyedHash(outputBytes: number, message: Uint8Array, key: Uint8Array): Uint8Array {
  assertReady();
  return crypto_generichash(outputBytes, message, key);
}

/** BLAKE2b-based subkey derivation; `context` must be exactly 8 ASCII characters. */
export function deriveSubkey(bytes: number, subkeyId: number, context: string, key: Uint8Array): Uint8Array {
  assertReady();
  return crypto_kdf_derive_from_key(bytes, subkeyId, context, key);
}

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

/** X25519 public keys (crypto_box) are 32 bytes. */
export const BOX_PUBLIC_KEY_BYTES = 32;

/**
 * Seals a message to a recipient's X25519 public key (`crypto_box_seal`: an
 * ephemeral key pair, so only the holder of the secret key opens it, and the
 * sender cannot either).
 */
export function sealForRecipient(message: Uint8Array, recipientPublicKey: Uint8Array): Buffer {
  assertReady();
  return Buffer.from(crypto_box_seal(message, recipientPublicKey));
}
