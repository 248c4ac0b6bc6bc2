import type { BuyerPii, PostalAddress } from '../marketplaces/canonical-order';

/**
 * Buyer fields a seller may correct at the buyer's request (rectification), by path. A corrected
 * field is an override: the marketplace's copy never replaces it again (see mergePii).
 */
export const RECTIFIABLE_FIELDS = [
  'buyerName',
  'email',
  'phone',
  'companyName',
  'shippingAddress.name',
  'shippingAddress.companyName',
  'shippingAddress.lines',
  'shippingAddress.postalCode',
  'shippingAddress.city',
  'shippingAddress.region',
  'shippingAddress.countryCode',
  'shippingAddress.phone',
] as const;
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number];

const NO_OVERRIDES: ReadonlySet<string> = new Set();

/** The stored value where the field is overridden, else the incoming one unless it is absent. */
const picker =
  (overrides: ReadonlySet<string>, prefix: string) =>
  <T>(field: string, incoming: T | null, stored: T | null): T | null =>
    overrides.has(prefix + field) ? stored : ((incoming ?? stored) as T | null);

const listPicker =
  (overrides: ReadonlySet<string>, prefix: string) =>
  <T>(field: string, incoming: readonly T[], stored: readonly T[]): readonly T[] =>
    overrides.has(prefix + field) || !incoming.length ? stored : incoming;

function mergeAddress(
  stored: PostalAddress | null,
  incoming: PostalAddress | null,
  overrides: ReadonlySet<string>,
): PostalAddress | null {
  if (!incoming) return stored;
  // An address the seller corrected field by field: the corrected fields stay, the others follow the marketplace.
  const held: PostalAddress = stored ?? {
    name: null,
    companyName: null,
    lines: [],
    postalCode: null,
    city: null,
    region: null,
    countryCode: null,
    phone: null,
  };
  if (!stored && ![...overrides].some((f) => f.startsWith('shippingAddress.'))) return incoming;
  const pick = picker(overrides, 'shippingAddress.');
  return {
    name: pick('name', incoming.name, held.name),
    companyName: pick('companyName', incoming.companyName, held.companyName),
    lines: listPicker(overrides, 'shippingAddress.')('lines', incoming.lines, held.lines),
    postalCode: pick('postalCode', incoming.postalCode, held.postalCode),
    city: pick('city', incoming.city, held.city),
    region: pick('region', incoming.region, held.region),
    countryCode: pick('countryCode', incoming.countryCode, held.countryCode),
    phone: pick('phone', incoming.phone, held.phone),
  };
}

/**
 * Marketplaces withhold buyer fields as an order ages (eBay drops the e-mail
 * after 14 days and names and addresses after 90; Amazon hides the phone after
 * the delivery window). A later sync must not erase what we legitimately hold,
 * so each field keeps the stored value unless the marketplace sends a new one.
 * Fields the seller corrected at the buyer's request (`overrides`, paths of
 * RECTIFIABLE_FIELDS) keep the stored value whatever the marketplace sends:
 * its copy is the one the buyer said was wrong.
 */
export function mergePii(
  stored: BuyerPii | null,
  incoming: BuyerPii | null,
  overrides: ReadonlySet<string> = NO_OVERRIDES,
): BuyerPii | null {
  if (!incoming) return stored;
  if (!stored) return incoming;
  const pick = picker(overrides, '');
  const list = listPicker(overrides, '');
  return {
    buyerName: pick('buyerName', incoming.buyerName, stored.buyerName),
    email: pick('email', incoming.email, stored.email),
    phone: pick('phone', incoming.phone, stored.phone),
    companyName: pick('companyName', incoming.companyName, stored.companyName),
    shippingAddress: overrides.has('shippingAddress')
      ? stored.shippingAddress
      : mergeAddress(stored.shippingAddress, incoming.shippingAddress, overrides),
    taxIds: list('taxIds', incoming.taxIds, stored.taxIds),
    giftMessages: list('giftMessages', incoming.giftMessages, stored.giftMessages),
    buyerMarketplaceId: pick('buyerMarketplaceId', incoming.buyerMarketplaceId, stored.buyerMarketplaceId),
    notes: list('notes', incoming.notes, stored.notes),
  };
}

/** A correction: new values (null or [] to remove a field) for some rectifiable fields. */
export interface PiiCorrections {
  readonly buyerName?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly companyName?: string | null;
  readonly shippingAddress?: {
    readonly name?: string | null;
    readonly companyName?: string | null;
    readonly lines?: readonly string[];
    readonly postalCode?: string | null;
    readonly city?: string | null;
    readonly region?: string | null;
    readonly countryCode?: string | null;
    readonly phone?: string | null;
  };
}

/** The paths a correction sets. */
export function correctedPaths(c: PiiCorrections): RectifiableField[] {
  const top = (['buyerName', 'email', 'phone', 'companyName'] as const).filter((k) => c[k] !== undefined);
  const address = c.shippingAddress
    ? (['name', 'companyName', 'lines', 'postalCode', 'city', 'region', 'countryCode', 'phone'] as const)
        .filter((k) => c.shippingAddress![k] !== undefined)
        .map((k) => `shippingAddress.${k}` as RectifiableField)
    : [];
  return [...top, ...address];
}

/** The held buyer data with a correction applied (fields not named keep their value). */
export function applyCorrections(held: BuyerPii, c: PiiCorrections): BuyerPii {
  const a = c.shippingAddress;
  const base: PostalAddress = held.shippingAddress ?? {
    name: null,
    companyName: null,
    lines: [],
    postalCode: null,
    city: null,
    region: null,
    countryCode: null,
    phone: null,
  };
  const shippingAddress: PostalAddress | null = a
    ? {
        name: a.name !== undefined ? a.name : base.name,
        companyName: a.companyName !== undefined ? a.companyName : base.companyName,
        lines: a.lines !== undefined ? [...a.lines] : base.lines,
        postalCode: a.postalCode !== undefined ? a.postalCode : base.postalCode,
        city: a.city !== undefined ? a.city : base.city,
        region: a.region !== undefined ? a.region : base.region,
        countryCode: a.countryCode !== undefined ? a.countryCode : base.countryCode,
        phone: a.phone !== undefined ? a.phone : base.phone,
      }
    : held.shippingAddress;
  return {
    ...held,
    buyerName: c.buyerName !== undefined ? c.buyerName : held.buyerName,
    email: c.email !== undefined ? c.email : held.email,
    phone: c.phone !== undefined ? c.phone : held.phone,
    companyName: c.companyName !== undefined ? c.companyName : held.companyName,
    shippingAddress,
  };
}

/** True when the object carries no buyer datum at all. */
export function isEmptyPii(pii: BuyerPii | null): boolean {
  if (!pii) return true;
  const a = pii.shippingAddress;
  const addressEmpty =
    !a || (!a.name && !a.companyName && !a.lines.length && !a.postalCode && !a.city && !a.region && !a.phone);
  return (
    !pii.buyerName &&
    !pii.email &&
    !pii.phone &&
    !pii.companyName &&
    addressEmpty &&
    !pii.taxIds.length &&
    !pii.giftMessages.length &&
    !pii.buyerMarketplaceId &&
    !pii.notes.length
  );
}
