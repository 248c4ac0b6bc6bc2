import { createHash } from 'node:crypto';
import { verifyEd25519 } from '../crypto/signing-key-format';
import type { ManifestCrypto } from './audit-manifest';

/** The manifest checks with Node's crypto (OpenSSL), for the CLI and tests; the browser brings WebCrypto. */
export const nodeManifestCrypto: ManifestCrypto = {
  sha256: (bytes) => Promise.resolve(createHash('sha256').update(bytes).digest()),
  verifyEd25519: (key, message, signature) => Promise.resolve(verifyEd25519(key, message, signature)),
};
