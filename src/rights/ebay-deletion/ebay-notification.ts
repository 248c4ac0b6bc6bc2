import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DomainError, ErrorCodes } from '../../platform/errors/domain-error';

/**
 * eBay Marketplace Account Deletion, the wire side (reference ebay.md §3): the endpoint's challenge answer,
 * the X-EBAY-SIGNATURE header, the notification body and the ECDSA check. Pure functions: no I/O, no clock.
 */

export const ACCOUNT_DELETION_TOPIC = 'MARKETPLACE_ACCOUNT_DELETION';

/** hex SHA-256 of challengeCode + verificationToken + endpoint URL, in exactly that order (§3.2). */
export function challengeResponse(challengeCode: string, verificationToken: string, endpointUrl: string): string {
  return createHash('sha256').update(challengeCode).update(verificationToken).update(endpointUrl).digest('hex');
}

/** Why a notification was refused; each is a metric label and a 4xx. */
export type RefusalReason = 'malformed' | 'forged' | 'replayed';

/** HTTP answers follow eBay's SDKs where they have one: 412 for a signature that does not verify. */
const CODE_OF: Record<RefusalReason, DomainError['code']> = {
  malformed: ErrorCodes.VALIDATION_FAILED,
  forged: ErrorCodes.PRECONDITION_FAILED,
  replayed: ErrorCodes.CONFLICT,
};

/** A notification refused before anything was recorded or erased. The message names no value from it. */
export class NotificationRefused extends DomainError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(CODE_OF[reason], message);
    this.name = 'NotificationRefused';
  }
}

const malformed = (message: string) => new NotificationRefused('malformed', message);

/** The decoded X-EBAY-SIGNATURE header: `base64(JSON {alg, kid, signature, digest})`. */
export interface SignatureHeader {
  readonly kid: string;
  /** DER-encoded ECDSA signature. */
  readonly signature: Buffer;
}

const KID = /^[A-Za-z0-9_-]{1,100}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseSignatureHeader(header: string | undefined): SignatureHeader {
  if (typeof header !== 'string' || !header.trim()) throw malformed('X-EBAY-SIGNATURE header is missing');
  const text = header.trim();
  if (text.length > 4096 || !BASE64.test(text)) throw malformed('X-EBAY-SIGNATURE is not base64');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw malformed('X-EBAY-SIGNATURE does not decode to JSON');
  }
  const h = decoded as { alg?: unknown; kid?: unknown; signature?: unknown; digest?: unknown } | null;
  if (typeof h?.alg !== 'string' || h.alg.toLowerCase() !== 'ecdsa') throw malformed('signature alg must be ecdsa');
  if (h.digest !== undefined && (typeof h.digest !== 'string' || h.digest.toUpperCase() !== 'SHA1')) {
    throw malformed('signature digest must be SHA1');
  }
  if (typeof h.kid !== 'string' || !KID.test(h.kid)) throw malformed('signature kid is malformed');
  if (typeof h.signature !== 'string' || h.signature.length > 512 || !BASE64.test(h.signature)) {
    throw malformed('signature is not base64');
  }
  return { kid: h.kid, signature: Buffer.from(h.signature, 'base64') };
}

/** What we keep of a notification: its id, when eBay sent it and how many times, and whom it names. */
export interface AccountDeletionNotification {
  readonly notificationId: string;
  readonly eventDate: Date;
  readonly publishDate: Date;
  readonly publishAttemptCount: number;
  /** The eBay username (buyer data: never logged, never stored in clear). */
  readonly username: string;
}

const NOTIFICATION_ID = /^[A-Za-z0-9._:-]{1,120}$/;
// eBay usernames are 6-64 characters; immutable user ids (from 2025 for US users) are shorter. Printable, no controls.
// eslint-disable-next-line no-control-regex
const USERNAME = /^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]{1,128}$/;

function instant(value: unknown, field: string): Date {
  const at = typeof value === 'string' && value.length <= 40 ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw malformed(`notification.${field} is not an instant`);
  return at;
}

/** Reads a notification body (already JSON-parsed); throws `malformed` naming the field, never a value. */
export function parseNotification(body: unknown): AccountDeletionNotification {
  const b = body as { metadata?: { topic?: unknown }; notification?: Record<string, unknown> } | null;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw malformed('the body is not a JSON object');
  if (b.metadata?.topic !== ACCOUNT_DELETION_TOPIC) throw malformed(`metadata.topic must be ${ACCOUNT_DELETION_TOPIC}`);
  const n = b.notification;
  if (typeof n !== 'object' || n === null) throw malformed('notification is missing');
  if (typeof n.notificationId !== 'string' || !NOTIFICATION_ID.test(n.notificationId)) {
    throw malformed('notification.notificationId is malformed');
  }
  const attempts = n.publishAttemptCount;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > 1_000_000) {
    throw malformed('notification.publishAttemptCount must be a positive integer');
  }
  const data = n.data as { username?: unknown } | undefined;
  const username = typeof data?.username === 'string' ? data.username.trim() : '';
  if (!username || !USERNAME.test(username)) throw malformed('notification.data.username is missing or malformed');
  return {
    notificationId: n.notificationId,
    eventDate: instant(n.eventDate, 'eventDate'),
    publishDate: instant(n.publishDate, 'publishDate'),
    publishAttemptCount: attempts,
    username,
  };
}

/**
 * eBay serves the PEM on one line, which Node cannot load (§3.4 step 3): the base64 between the markers is
 * read as a DER SubjectPublicKeyInfo. Only EC P-256 keys are accepted.
 */
export function publicKeyFromEbay(pem: string): KeyObject {
  const body = pem
    .replace(/-----BEGIN PUBLIC KEY-----/, '')
    .replace(/-----END PUBLIC KEY-----/, '')
    .replace(/\s+/g, '');
  if (!body || !BASE64.test(body)) throw new Error('public key is not PEM');
  const key = createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('public key is not EC P-256');
  }
  return key;
}

/**
 * ECDSA with SHA-1 (`SHA1withECDSA`, DER signature) over the body. eBay signs its compact JSON; the bytes as
 * received are checked first, then the compact re-serialisation eBay's own SDKs verify (equal for eBay's
 * bodies; both are signatures only eBay's key can make).
 */
export function verifyNotificationSignature(
  rawBody: Buffer,
  parsedBody: unknown,
  signature: Buffer,
  key: KeyObject,
): boolean {
  try {
    if (verify('sha1', rawBody, key, signature)) return true;
    const compact = Buffer.from(JSON.stringify(parsedBody), 'utf8');
    return !compact.equals(rawBody) && verify('sha1', compact, key, signature);
  } catch {
    // A signature that is not DER (or not for this curve) verifies nothing.
    return false;
  }
}
