import type { BuyerPii, PostalAddress } from '../marketplaces/canonical-order';

const pick = <T>(incoming: T | null, stored: T | null): T | null => (incoming ?? stored) as T | null;

function mergeAddress(stored: PostalAddress | null, incoming: PostalAddress | null): PostalAddress | null {
  if (!incoming) return stored;
  if (!stored) return incoming;
  return {
    name: pick(incoming.name, stored.name),
    companyName: pick(incoming.companyName, stored.companyName),
    lines: incoming.lines.length ? incoming.lines : stored.lines,
    postalCode: pick(incoming.postalCode, stored.postalCode),
    city: pick(incoming.city, stored.city),
    region: pick(incoming.region, stored.region),
    countryCode: pick(incoming.countryCode, stored.countryCode),
    phone: pick(incoming.phone, stored.phone),
  };
}

const mergeList = <T>(incoming: readonly T[], stored: readonly T[]): readonly T[] =>
  incoming.length ? incoming : stored;

/**
 * Marketplaces withhold buyer fields as an order ages (eBay drops the e-mail
 * after 14 days and names and addresses after 90; Amazon hides the phone after
 * the delivery window). A later sync must not erase what we legitimately hold,
 * so each field keeps the stored value unless the marketplace sends a new one.
 */
export function mergePii(stored: BuyerPii | null, incoming: BuyerPii | null): BuyerPii | null {
  if (!incoming) return stored;
  if (!stored) return incoming;
  return {
    buyerName: pick(incoming.buyerName, stored.buyerName),
    email: pick(incoming.email, stored.email),
    phone: pick(incoming.phone, stored.phone),
    companyName: pick(incoming.companyName, stored.companyName),
    shippingAddress: mergeAddress(stored.shippingAddress, incoming.shippingAddress),
    taxIds: mergeList(incoming.taxIds, stored.taxIds),
    giftMessages: mergeList(incoming.giftMessages, stored.giftMessages),
    buyerMarketplaceId: pick(incoming.buyerMarketplaceId, stored.buyerMarketplaceId),
    notes: mergeList(incoming.notes, stored.notes),
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
