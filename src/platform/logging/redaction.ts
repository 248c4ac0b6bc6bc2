/**
 * Keys whose values never reach a log line, at any depth. Covers every buyer-data
 * field of the canonical order and of both marketplaces' wire formats, and every
 * secret we hold. Matching ignores case and punctuation, so `buyer_name`,
 * `buyerName` and `BuyerName` are all caught.
 */
const REDACTED_KEYS = [
  // canonical order PII
  'pii',
  'buyerName',
  'buyerEmail',
  'buyerPhone',
  'phone',
  'email',
  'name',
  'fullName',
  'companyName',
  'buyerCompanyName',
  'addressLine1',
  'addressLine2',
  'addressLine3',
  'addressLines',
  'address',
  'contactAddress',
  'deliveryAddress',
  'shippingAddress',
  'shipTo',
  'finalDestinationAddress',
  'buyerRegistrationAddress',
  'taxAddress',
  'postalCode',
  'city',
  'stateOrRegion',
  'stateOrProvince',
  'region',
  'county',
  'districtOrCounty',
  'municipality',
  'taxIds',
  'taxIdentifier',
  'taxpayerId',
  'buyerTaxInfo',
  'giftMessage',
  'giftDetails',
  'message',
  'recipientEmail',
  'senderName',
  'buyerCheckoutNotes',
  'buyerMarketplaceId',
  'username',
  'buyer',
  'recipient',
  'primaryPhone',
  'secondaryPhone',
  'phoneNumber',
  'customizedUrl',
  'buyerPurchaseOrderNumber',
  // secrets
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'refreshToken',
  'refresh_token',
  'accessToken',
  'access_token',
  'token',
  'authorization',
  'x-amz-access-token',
  'apiKey',
  'masterKey',
  'key',
  'code',
  'spapi_oauth_code',
  'cookie',
  'set-cookie',
];

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const redactedSet = new Set(REDACTED_KEYS.map(normalise));

/** A log line's own `code` (an error code) stays; inside nested objects `code` may be an OAuth code. */
const TOP_LEVEL_ALLOWED = new Set(['code']);

export const REDACTED = '[redacted]';

export function isRedactedKey(key: string): boolean {
  return redactedSet.has(normalise(key));
}

/**
 * Returns a copy of `value` with every redacted key replaced. Depth-limited and
 * cycle-safe so a pathological object cannot stall logging.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth]';
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Error) {
    // Only our own DomainError promises a message free of buyer data; other
    // errors (HTTP clients, drivers) may echo request or response content.
    const errorCode = (value as { code?: unknown }).code;
    return {
      errorType: value.name,
      ...(typeof errorCode === 'string' || typeof errorCode === 'number' ? { errorCode } : {}),
      ...(value.name === 'DomainError' ? { errorMessage: value.message } : {}),
      at: value.stack?.split('\n')[1]?.trim(),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const allowedHere = depth === 0 && TOP_LEVEL_ALLOWED.has(k);
    out[k] = !allowedHere && isRedactedKey(k) ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}
