import type { PiiCorrections, SubjectSelector } from '../orders';
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

/** A correction as the body carries it (each field: a new value, null to remove it, absent to leave it). */
export interface CorrectionFields {
  readonly buyerName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly companyName?: string | null;
  readonly shippingAddress?: {
    readonly name?: string | null;
    readonly companyName?: string | null;
    readonly lines?: string[];
    readonly postalCode?: string | null;
    readonly city?: string | null;
    readonly region?: string | null;
    readonly countryCode?: string | null;
    readonly phone?: string | null;
  };
}

export const MAX_NAME = 200;
const PHONE = /^[+0-9][0-9 ()./-]{2,39}$/;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * A rectification's corrections as domain values, or one validation error naming every bad field.
 * Only `rectify` takes them, and it needs at least one.
 */
export function parseCorrections(type: string, fields: CorrectionFields | undefined): PiiCorrections | null {
  if (type !== 'rectify') {
    if (fields !== undefined) {
      throw validationFailed('corrections are for rectify requests only', [
        { field: 'corrections', issue: 'only with type rectify' },
      ]);
    }
    return null;
  }
  if (!fields) {
    throw validationFailed('a rectify request names the corrected fields', [
      { field: 'corrections', issue: 'required for rectify' },
    ]);
  }
  const issues: ErrorDetail[] = [];
  const value = (field: string, v: string | null | undefined, max: number, pattern?: RegExp, hint?: string) => {
    if (v === undefined || v === null) return v;
    const t = typeof v === 'string' ? v.trim() : '';
    if (!t || t.length > max || !isCleanText(t)) {
      issues.push({ field, issue: `1-${max} characters, no control characters (null removes the field)` });
    } else if (pattern && !pattern.test(t)) {
      issues.push({ field, issue: hint ?? 'invalid' });
    }
    return t;
  };
  const a = fields.shippingAddress;
  const out: PiiCorrections = {
    ...defined('buyerName', value('corrections.buyerName', fields.buyerName, MAX_NAME)),
    ...defined('email', value('corrections.email', fields.email, MAX_EMAIL, EMAIL, 'not an e-mail address')),
    ...defined('phone', value('corrections.phone', fields.phone, 40, PHONE, 'digits, spaces and + ( ) . / -')),
    ...defined('companyName', value('corrections.companyName', fields.companyName, MAX_NAME)),
    ...(a
      ? {
          shippingAddress: {
            ...defined('name', value('corrections.shippingAddress.name', a.name, MAX_NAME)),
            ...defined('companyName', value('corrections.shippingAddress.companyName', a.companyName, MAX_NAME)),
            ...(a.lines !== undefined
              ? { lines: a.lines.map((l, i) => value(`corrections.shippingAddress.lines.${i}`, l, MAX_NAME) ?? '') }
              : {}),
            ...defined('postalCode', value('corrections.shippingAddress.postalCode', a.postalCode, 20)),
            ...defined('city', value('corrections.shippingAddress.city', a.city, 100)),
            ...defined('region', value('corrections.shippingAddress.region', a.region, 100)),
            ...defined(
              'countryCode',
              value(
                'corrections.shippingAddress.countryCode',
                a.countryCode,
                2,
                COUNTRY,
                'ISO 3166 alpha-2, upper case',
              ),
            ),
            ...defined(
              'phone',
              value('corrections.shippingAddress.phone', a.phone, 40, PHONE, 'digits, spaces and + ( ) . / -'),
            ),
          },
        }
      : {}),
  };
  if (a?.lines && a.lines.length > 4)
    issues.push({ field: 'corrections.shippingAddress.lines', issue: 'at most 4 lines' });
  const named =
    Object.keys(out).filter((k) => k !== 'shippingAddress').length + Object.keys(out.shippingAddress ?? {}).length;
  if (!named) issues.push({ field: 'corrections', issue: 'name at least one field' });
  if (issues.length) throw validationFailed('invalid corrections', issues);
  return out;
}

const defined = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
