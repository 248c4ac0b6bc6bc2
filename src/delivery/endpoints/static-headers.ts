import { validationFailed, type ErrorDetail } from '../../platform/errors/domain-error';

export const MAX_STATIC_HEADERS = 10;
export const MAX_HEADER_VALUE_LENGTH = 2048;

/** HTTP token characters (RFC 9110), bounded. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
/** Visible ASCII and spaces: no CR/LF (header injection), no other controls. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/** Headers we set ourselves or that steer the connection; a static header may not replace them. */
const RESERVED = new Set([
  'host',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'user-agent',
]);

/**
 * Validates a receiver's own headers (often its token). Names are kept in lower
 * case; the values are sealed by the caller and never shown again.
 */
export function normaliseStaticHeaders(raw: unknown): Record<string, string> {
  const details: ErrorDetail[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw validationFailed('invalid static headers', [{ field: 'staticHeaders', issue: 'an object of name: value' }]);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_STATIC_HEADERS) {
    details.push({ field: 'staticHeaders', issue: `at most ${MAX_STATIC_HEADERS} headers` });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) details.push({ field: 'staticHeaders', issue: 'header names are HTTP tokens' });
    else if (RESERVED.has(lower) || lower.startsWith('webhook-')) {
      details.push({ field: `staticHeaders.${lower}`, issue: 'set by ordervault; cannot be replaced' });
    } else if (lower in out) details.push({ field: `staticHeaders.${lower}`, issue: 'given twice' });
    if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(value)) {
      details.push({
        field: 'staticHeaders',
        issue: `values are printable ASCII, at most ${MAX_HEADER_VALUE_LENGTH} characters`,
      });
    }
    out[lower] = String(value);
  }
  if (details.length) throw validationFailed('invalid static headers', details);
  return out;
}
