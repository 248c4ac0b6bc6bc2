// Named imports on purpose (as in crypto/sodium.ts): the functions exist on the module only after `ready`.
import { crypto_pwhash_str, crypto_pwhash_str_verify, ready } from 'libsodium-wrappers-sumo';
import { validationFailed } from '../../platform/errors/domain-error';
import { isCleanText } from '../../platform/validation/text';

/**
 * argon2id cost: 19 MiB and two passes (OWASP's first recommended setting for
 * argon2id). Measured here: about 130 ms per verification in libsodium's WASM
 * build, which is the price of one sign-in and of every guess.
 */
export const ARGON2_MEMORY_BYTES = 19 * 1024 * 1024;
export const ARGON2_PASSES = 2;

export const MIN_PASSWORD_LENGTH = 12;
/** Bounded so nobody can make us hash a megabyte. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Stands in for the hash of an unknown account, so a sign-in with an unknown
 * login costs the same time as one with a wrong password.
 */
let dummyHash: string | null = null;

/** Checks a new password: long enough, bounded, printable (a person types it). */
export function assertAcceptablePassword(password: string): void {
  const length = Array.from(password).length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH || !isCleanText(password)) {
    throw validationFailed(
      `a password is ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters without control characters`,
      [{ field: 'password', issue: 'length or characters' }],
    );
  }
}

/** An argon2id hash in the PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$…`): salt and cost travel with it. */
export async function hashPassword(password: string): Promise<string> {
  assertAcceptablePassword(password);
  await ready;
  return crypto_pwhash_str(password, ARGON2_PASSES, ARGON2_MEMORY_BYTES);
}

/**
 * Whether the password matches the stored hash; with no hash (unknown account,
 * no password set yet) a dummy hash is checked, so the answer takes as long.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  await ready;
  // Anything longer than a password may be is wrong without spending argon2 on it.
  const candidate = password.length > MAX_PASSWORD_LENGTH * 2 ? '' : password;
  if (stored === null) {
    dummyHash ??= crypto_pwhash_str('ordervault: no such account', ARGON2_PASSES, ARGON2_MEMORY_BYTES);
    crypto_pwhash_str_verify(dummyHash, candidate);
    return false;
  }
  try {
    return crypto_pwhash_str_verify(stored, candidate) && candidate !== '';
  } catch {
    return false;
  }
}
