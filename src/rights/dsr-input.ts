import type { SubjectSelector } from '../orders';
import { validationFailed, type ErrorDetail } from '../platform/errors/domain-error';
import { isCleanText } from '../platform/validation/text';
import { RETENTION_MARKETPLACES } from '../retention';

/** The longest e-mail address SMTP carries (RFC 5321 path limit). */
export const MAX_EMAIL = 254;
export const MAX_BUYER_ID = 200;
export const MAX_MARKETPLACE_ORDER_ID = 100;
export const MAX_REFERENCE = 100;

/** One @, a non-empty local part and a dotted domain, no spaces: the shape, not deliverability. */
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/u;
/** Marketplace order ids: Amazon `123-1234567-1234567`, eBay `12-34567-89012` and legacy forms. */
const MARKETPLACE_ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** A seller's ticket reference: printable ASCII, like grants' ticket references. */
const REFERENCE = /^[\x21-\x7e][\x20-\x7e]*$/;

/** The subject as the request body names it: exactly one of the three ways. */
export interface SubjectFields {
  readonly email?: string;
  readonly marketplace?: string;
  readonly buyerId?: string;
  readonly marketplaceOrderId?: string;
}

/**
 * Turns the body's subject into a selector or one validation error naming every
 * bad field (never echoing a value: it is buyer data).
 */
export function parseSubject(fields: SubjectFields): SubjectSelector {
  const issues: ErrorDetail[] = [];
  const given = (['email', 'buyerId', 'marketplaceOrderId'] as const).filter((k) => fields[k] !== undefined);
  if (given.length !== 1) {
    throw validationFailed(
      'name the buyer by exactly one of subject.email, subject.buyerId, subject.marketplaceOrderId',
      [{ field: 'subject', issue: 'exactly one of email, buyerId, marketplaceOrderId' }],
    );
  }
  const marketplace = fields.marketplace;
  const knownMarketplace =
    marketplace !== undefined && (RETENTION_MARKETPLACES as readonly string[]).includes(marketplace);
  if (marketplace !== undefined && !knownMarketplace) {
    issues.push({ field: 'subject.marketplace', issue: `one of ${RETENTION_MARKETPLACES.join(', ')}` });
  }
  const text = (field: string, value: unknown, max: number): string | null => {
    if (typeof value !== 'string' || !value.trim()) {
      issues.push({ field, issue: 'a non-empty string' });
      return null;
    }
    const v = value.trim();
    if (v.length > max || !isCleanText(v)) {
      issues.push({ field, issue: `at most ${max} characters, no control characters` });
      return null;
    }
    return v;
  };
  let selector: SubjectSelector | null = null;
  if (given[0] === 'email') {
    if (marketplace !== undefined) issues.push({ field: 'subject.marketplace', issue: 'not with an e-mail address' });
    const email = text('subject.email', fields.email, MAX_EMAIL);
    if (email !== null && !EMAIL.test(email)) issues.push({ field: 'subject.email', issue: 'not an e-mail address' });
    else if (email !== null) selector = { kind: 'email', email };
  } else {
    if (marketplace === undefined) issues.push({ field: 'subject.marketplace', issue: 'required with this subject' });
    if (given[0] === 'buyerId') {
      const buyerId = text('subject.buyerId', fields.buyerId, MAX_BUYER_ID);
      if (buyerId !== null && knownMarketplace) selector = { kind: 'buyer_id', marketplace: marketplace!, buyerId };
    } else {
      const id = text('subject.marketplaceOrderId', fields.marketplaceOrderId, MAX_MARKETPLACE_ORDER_ID);
      if (id !== null && !MARKETPLACE_ORDER_ID.test(id)) {
        issues.push({ field: 'subject.marketplaceOrderId', issue: 'letters, digits and . _ : - only' });
      } else if (id !== null && knownMarketplace) {
        selector = { kind: 'marketplace_order_id', marketplace: marketplace!, marketplaceOrderId: id };
      }
    }
  }
  if (issues.length || !selector) throw validationFailed('invalid data-subject request subject', issues);
  return selector;
}

/** The seller's reference (optional): printable ASCII, at most 100 characters. */
export function parseReference(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (!v || v.length > MAX_REFERENCE || !REFERENCE.test(v)) {
    throw validationFailed('invalid reference', [
      { field: 'reference', issue: `printable ASCII, 1-${MAX_REFERENCE} characters` },
    ]);
  }
  return v;
}
