import { createHmac, randomBytes } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), with what
 * authenticator apps expect by default: HMAC-SHA-1, 6 digits, 30-second steps.
 * SHA-256/512 and 8 digits are here for the RFC's test vectors.
 */
export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpParams {
  readonly algorithm: TotpAlgorithm;
  readonly digits: number;
  readonly periodSeconds: number;
}

export const TOTP_DEFAULTS: TotpParams = { algorithm: 'sha1', digits: 6, periodSeconds: 30 };

/** 160 bits, the HMAC-SHA-1 block-size recommendation of RFC 4226 section 4. */
export const TOTP_SECRET_BYTES = 20;

/** Steps of clock skew accepted either side of now (one step: a code typed just before it rolled over). */
export const TOTP_SKEW_STEPS = 1;

export const newTotpSecret = (): Buffer => randomBytes(TOTP_SECRET_BYTES);

/** The time step an instant falls in (T in RFC 6238: floor((unix time - T0) / X), T0 = 0). */
export const totpStep = (timeMs: number, periodSeconds = TOTP_DEFAULTS.periodSeconds): number =>
  Math.floor(timeMs / 1000 / periodSeconds);

/** HOTP (RFC 4226 section 5.3): dynamic truncation of HMAC(secret, counter) to `digits` decimal digits. */
export function hotp(secret: Uint8Array, counter: number, params: TotpParams = TOTP_DEFAULTS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(params.algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** params.digits;
  return binary.toString().padStart(params.digits, '0');
}

/** The code for an instant. */
export const totpAt = (secret: Uint8Array, timeMs: number, params: TotpParams = TOTP_DEFAULTS): string =>
  hotp(secret, totpStep(timeMs, params.periodSeconds), params);

/**
 * The step whose code this is, within the accepted skew, or null. The caller
 * must refuse a step at or below the last one accepted (RFC 6238 section 5.2:
 * a code is valid once).
 */
export function matchingTotpStep(
  secret: Uint8Array,
  code: string,
  timeMs: number,
  params: TotpParams = TOTP_DEFAULTS,
): number | null {
  if (!new RegExp(`^\\d{${params.digits}}$`).test(code)) return null;
  const now = totpStep(timeMs, params.periodSeconds);
  let found: number | null = null;
  // Every candidate is computed and compared, so timing does not say which step matched.
  for (let step = now - TOTP_SKEW_STEPS; step <= now + TOTP_SKEW_STEPS; step++) {
    if (constantTimeEqual(hotp(secret, step, params), code) && found === null) found = step;
  }
  return found;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as `otpauth://` URIs carry secrets. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored); null if not base32. */
export function fromBase32(text: string): Buffer | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of clean) {
    const index = BASE32.indexOf(c);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/**
 * The enrolment URI authenticator apps read (Key URI Format):
 * `otpauth://totp/ordervault:<account>?secret=…&issuer=ordervault&algorithm=SHA1&digits=6&period=30`.
 */
export function otpauthUri(secret: Uint8Array, account: string, issuer = 'ordervault'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: base32(secret),
    issuer,
    algorithm: TOTP_DEFAULTS.algorithm.toUpperCase(),
    digits: String(TOTP_DEFAULTS.digits),
    period: String(TOTP_DEFAULTS.periodSeconds),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
