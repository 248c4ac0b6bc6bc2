/**
 * Text the product accepts from outside: no C0/C1 control characters (NUL
 * included, which PostgreSQL cannot store in text), no Unicode bidi overrides
 * (they forge how a log line reads) and no lone UTF-16 surrogates (not
 * representable in UTF-8).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isCleanText = (value: string): boolean => !FORBIDDEN.test(value) && !LONE_SURROGATE.test(value);

/**
 * A printable rendering of rejected text, for the access log only: controls and
 * lone surrogates become U+FFFD, and the result is cut to `max` characters
 * without splitting a surrogate pair.
 */
export function sanitiseText(value: string, max: number): string {
  const cleaned = value
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  const chars = Array.from(cleaned);
  return chars.length > max ? chars.slice(0, max).join('') : cleaned;
}

/** Printable ASCII only (ticket references, short tokens): anything else becomes `?`. */
export const sanitiseAscii = (value: string, max: number): string =>
  Array.from(value)
    .map((c) => (/^[\x20-\x7e]$/.test(c) ? c : '?'))
    .join('')
    .trim()
    .slice(0, max);
