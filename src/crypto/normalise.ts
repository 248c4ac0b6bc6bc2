import { validationFailed } from '../platform';

/**
 * Normal forms for blind-indexed values: two spellings the same person would
 * type must index equal. NFKC folds compatibility forms (full-width letters,
 * ligatures); trimming and lower-casing follow because NFKC can add or change
 * them, and a last NFKC covers the few characters lower-casing decomposes.
 */
export function normaliseEmail(email: string): string {
  const value = String(email).normalize('NFKC').trim().toLowerCase().normalize('NFKC');
  if (!value) throw validationFailed('email is empty');
  return value;
}

/** Marketplace names are case-insensitive codes; buyer ids are kept case-sensitive as the marketplace issues them. */
export function normaliseBuyerId(marketplace: string, buyerId: string): { marketplace: string; buyerId: string } {
  const m = String(marketplace).normalize('NFKC').trim().toLowerCase();
  const b = String(buyerId).normalize('NFKC').trim();
  if (!m) throw validationFailed('marketplace is empty');
  if (!b) throw validationFailed('buyer id is empty');
  return { marketplace: m, buyerId: b };
}

/** Length-prefixed concatenation, so ("ab", "c") and ("a", "bc") never hash alike. */
export function lengthPrefixed(parts: readonly string[]): Buffer {
  const encoded = parts.map((p) => Buffer.from(p, 'utf8'));
  const out = Buffer.allocUnsafe(encoded.reduce((n, b) => n + 4 + b.length, 0));
  let at = 0;
  for (const b of encoded) {
    at = out.writeUInt32BE(b.length, at);
    at += b.copy(out, at);
  }
  return out;
}
