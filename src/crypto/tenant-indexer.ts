import { validationFailed } from '../platform';
import { lengthPrefixed, normaliseBuyerId, normaliseEmail } from './normalise';
import { deriveSubkey, keyedHash } from './sodium';

/** crypto_kdf contexts (exactly 8 bytes), one per index kind, so no two kinds share a key. */
const CONTEXTS = { email: 'ovbidxem', buyerId: 'ovbidxby', content: 'ovbidxct' } as const;
/** Subkey id 1 everywhere: a future index re-key would derive id 2 from the same root. */
const SUBKEY_ID = 1;
export const BLIND_INDEX_BYTES = 32;

/**
 * One tenant's blind-index keys, derived once from its index root. Methods are
 * synchronous so a page of orders is indexed without further awaits. The keys
 * live in private fields and are never exposed.
 */
export class TenantIndexer {
  readonly #email: Uint8Array;
  readonly #buyerId: Uint8Array;
  readonly #content: Uint8Array;

  constructor(
    readonly tenantId: string,
    root: Uint8Array,
  ) {
    this.#email = deriveSubkey(32, SUBKEY_ID, CONTEXTS.email, root);
    this.#buyerId = deriveSubkey(32, SUBKEY_ID, CONTEXTS.buyerId, root);
    this.#content = deriveSubkey(32, SUBKEY_ID, CONTEXTS.content, root);
  }

  /** Index of a buyer e-mail (trimmed, NFKC, lower-case), for data-subject lookups. */
  email(email: string): Buffer {
    return this.hash(Buffer.from(normaliseEmail(email), 'utf8'), this.#email);
  }

  /** Index of a marketplace buyer id, scoped by marketplace. */
  buyerId(marketplace: string, buyerId: string): Buffer {
    const n = normaliseBuyerId(marketplace, buyerId);
    return this.hash(lengthPrefixed([n.marketplace, n.buyerId]), this.#buyerId);
  }

  /** Keyed digest of arbitrary bytes (e.g. a canonical order) to detect changes without an unkeyed hash of PII. */
  content(bytes: Uint8Array): Buffer {
    if (!(bytes instanceof Uint8Array)) throw validationFailed('content must be bytes');
    return this.hash(bytes, this.#content);
  }

  toJSON(): { tenantId: string } {
    return { tenantId: this.tenantId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TenantIndexer(${this.tenantId})`;
  }

  private hash(message: Uint8Array, key: Uint8Array): Buffer {
    const digest = keyedHash(BLIND_INDEX_BYTES, message, key);
    return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
  }
}
