/**
 * An order's content digest, stored as `content_hash`: two keyed SHA-256
 * digests side by side, one of the clear facts and one of the buyer data. They
 * are compared separately, so a change of facts never opens buyer data and a
 * marketplace withholding buyer fields of an ageing order is no change.
 * Destroying buyer data zeroes the buyer half (`NO_BUYER_DATA`).
 */
export interface ContentDigest {
  readonly facts: Buffer;
  readonly buyer: Buffer;
}

export const DIGEST_BYTES = 32;
/** The buyer half of an order without buyer data (never had any, or destroyed). */
export const NO_BUYER_DATA: Buffer = Buffer.alloc(DIGEST_BYTES);

/** The stored column's two halves. */
export function readContentDigest(stored: Buffer): ContentDigest {
  if (stored.length !== 2 * DIGEST_BYTES) throw new Error(`content_hash must be ${2 * DIGEST_BYTES} bytes`);
  return { facts: stored.subarray(0, DIGEST_BYTES), buyer: stored.subarray(DIGEST_BYTES) };
}

/** The column's bytes: facts, then buyer data. */
export const contentDigestBytes = (d: ContentDigest): Buffer => Buffer.concat([d.facts, d.buyer]);
