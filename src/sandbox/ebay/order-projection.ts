import type { ExtendedContact, Order } from './wire-types';

/** Ways to break an order on the wire, for testing how the processor copes with bad data. */
export type MalformationKind =
  | 'missing-order-id'
  | 'bad-timestamp'
  | 'non-string-amount'
  | 'unknown-status'
  | 'missing-buyer'
  | 'missing-line-items';

export const MALFORMATION_KINDS: readonly MalformationKind[] = [
  'missing-order-id',
  'bad-timestamp',
  'non-string-amount',
  'unknown-status',
  'missing-buyer',
  'missing-line-items',
];

export interface ProjectionOptions {
  nowMs: number;
  view: 'getOrders' | 'getOrder';
  taxBreakdown: boolean;
  emailVisibleDays: number;
  piiVisibleDays: number;
  malformations: ReadonlySet<MalformationKind>;
}

const DAY = 86_400_000;

function stripContact(contact: ExtendedContact | undefined, email: boolean, pii: boolean): void {
  if (!contact) return;
  if (email || pii) delete contact.email;
  if (!pii) return;
  // "will not be returned for any order that is more than 90 days old" (spec ExtendedContact.fullName,
  // primaryPhone, email; Address.addressLine1/2). City, state, postal code and country stay, as in
  // examples/ebay/getOrders.page.older-than-90-days.sanitized.json. companyName carries no such note.
  delete contact.fullName;
  delete contact.primaryPhone;
  if (contact.contactAddress) {
    delete contact.contactAddress.addressLine1;
    delete contact.contactAddress.addressLine2;
  }
}

/**
 * The Order as one eBay call returns it at `nowMs`: the stored resource, minus what that operation does
 * not return and minus what has aged out (reference §1.3 and §1.7), then broken as requested.
 */
export function projectOrder(stored: Order, options: ProjectionOptions): Record<string, unknown> {
  const order = structuredClone(stored);
  const ageMs = options.nowMs - Date.parse(stored.creationDate);

  if (options.view === 'getOrders') {
    // spec CancelStatus.cancelRequests: "For the getOrders call: This array is returned but is always empty."
    order.cancelStatus.cancelRequests = [];
    // spec Buyer.taxIdentifier: "only returned in getOrder and not in getOrders".
    delete order.buyer.taxIdentifier;
  }
  if (!options.taxBreakdown) {
    // pricingSummary.fee and taxes[].taxType belong to fieldGroups=TAX_BREAKDOWN (reference §1.2).
    delete order.pricingSummary.fee;
    for (const item of order.lineItems) for (const tax of item.taxes) delete tax.taxType;
  }

  const emailGone = ageMs > options.emailVisibleDays * DAY;
  const piiGone = ageMs > options.piiVisibleDays * DAY;
  stripContact(order.buyer.buyerRegistrationAddress, emailGone, piiGone);
  for (const instruction of order.fulfillmentStartInstructions) {
    stripContact(instruction.shippingStep?.shipTo, emailGone, piiGone);
    stripContact(instruction.finalDestinationAddress, emailGone, piiGone);
  }
  if (piiGone) for (const item of order.lineItems) delete item.giftDetails;

  return applyMalformations(order, options.malformations);
}

function applyMalformations(order: Order, kinds: ReadonlySet<MalformationKind>): Record<string, unknown> {
  const wire = order as unknown as Record<string, unknown>;
  if (kinds.has('missing-order-id')) {
    delete wire.orderId;
    delete wire.legacyOrderId;
  }
  if (kinds.has('bad-timestamp')) {
    wire.creationDate = 'Tue, 32 Foo 2024 25:61:00';
    wire.lastModifiedDate = '2024-02-30T25:61:00.000Z';
  }
  if (kinds.has('non-string-amount')) {
    const total = order.pricingSummary.total as unknown as Record<string, unknown>;
    total.value = Number(order.pricingSummary.total.value);
    const first = order.lineItems[0]?.lineItemCost as unknown as Record<string, unknown> | undefined;
    if (first) first.value = Number(first.value);
  }
  if (kinds.has('unknown-status')) {
    wire.orderFulfillmentStatus = 'PARTIALLY_DISPATCHED';
    wire.orderPaymentStatus = 'AWAITING_SETTLEMENT';
  }
  if (kinds.has('missing-buyer')) delete wire.buyer;
  if (kinds.has('missing-line-items')) delete wire.lineItems;
  return wire;
}
