import { DomainError, ErrorCodes } from '../platform';

/**
 * Every way a key or ciphertext can fail to open ends here, so callers see one
 * code and one rule: nothing partial comes back. Messages name what failed
 * (key ids, versions, subject ids) but never key material or plaintext.
 */
export function cryptoFailure(message: string): DomainError {
  return new DomainError(ErrorCodes.CRYPTO_FAILURE, message);
}
