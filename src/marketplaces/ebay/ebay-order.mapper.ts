import type {
  BuyerPii,
  CanonicalLineItem,
  CanonicalOrder,
  OrderStatus,
  PostalAddress,
  TaxId,
} from '../canonical-order';
import type { RejectedOrder } from '../marketplace-connector';
import {
  WireError,
  arr,
  country,
  currency,
  decimal,
  instant,
  int,
  obj,
  oneOf,
  optArr,
  optInstant,
  optObj,
  optStr,
  str,
  type Json,
} from '../wire';

const FULFILMENT = ['NOT_STARTED', 'IN_PROGRESS', 'FULFILLED'] as const;
const PAYMENT = ['FAILED', 'FULLY_REFUNDED', 'PAID', 'PARTIALLY_REFUNDED', 'PENDING'] as const;
const CANCEL = ['CANCELED', 'IN_PROGRESS', 'NONE_REQUESTED'] as const;
const INSTRUCTIONS = ['DIGITAL', 'PREPARE_FOR_PICKUP', 'SELLER_DEFINED', 'SHIP_TO', 'FULFILLED_BY_EBAY'] as const;

/** Maps one Sell Fulfillment v1 `Order` to the canonical shape, or explains why it cannot. */
export function mapEbayOrder(raw: unknown): CanonicalOrder | RejectedOrder {
  const idGuess = raw && typeof raw === 'object' ? (raw as Json).orderId : undefined;
  try {
    return toCanonical(obj(raw, 'order'));
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return {
      marketplaceOrderId: typeof idGuess === 'string' && /^[\w-]{1,64}$/.test(idGuess) ? idGuess : null,
      reasonCode: 'bad_data',
      reasonDetail: err.message,
      raw,
    };
  }
}

function toCanonical(o: Json): CanonicalOrder {
  const orderId = str(o.orderId, 'orderId');
  if (!/^[\w-]{1,64}$/.test(orderId)) throw new WireError('orderId', 'unexpected characters');
  const fulfilment = oneOf(o.orderFulfillmentStatus, FULFILMENT, 'orderFulfillmentStatus');
  const payment = oneOf(o.orderPaymentStatus, PAYMENT, 'orderPaymentStatus');
  const cancelStatus = obj(o.cancelStatus, 'cancelStatus');
  const cancelState = oneOf(cancelStatus.cancelState, CANCEL, 'cancelStatus.cancelState');
  const created = instant(o.creationDate, 'creationDate');
  const modified = instant(o.lastModifiedDate, 'lastModifiedDate');
  const start = optObj(
    optArr(o.fulfillmentStartInstructions, 'fulfillmentStartInstructions')[0],
    'fulfillmentStartInstructions[0]',
  );
  const instructionType = start
    ? oneOf(
        start.fulfillmentInstructionsType,
        INSTRUCTIONS,
        'fulfillmentStartInstructions[0].fulfillmentInstructionsType',
      )
    : null;
  const shippingStep = start ? optObj(start.shippingStep, 'fulfillmentStartInstructions[0].shippingStep') : null;
  const shipTo = shippingStep ? optObj(shippingStep.shipTo, 'shippingStep.shipTo') : null;
  const shipToAddress = shipTo ? optObj(shipTo.contactAddress, 'shipTo.contactAddress') : null;
  const pricing = optObj(o.pricingSummary, 'pricingSummary');
  const total = pricing ? optObj(pricing.total, 'pricingSummary.total') : null;
  const lines = arr(o.lineItems, 'lineItems').map((li, i) => lineItem(obj(li, `lineItems[${i}]`), i));

  let status: OrderStatus;
  if (cancelState === 'CANCELED') status = 'cancelled';
  else if (fulfilment === 'FULFILLED') status = 'shipped';
  else if (fulfilment === 'IN_PROGRESS') status = 'partially_shipped';
  else status = payment === 'PAID' || payment === 'PARTIALLY_REFUNDED' ? 'unshipped' : 'pending';

  return {
    marketplace: 'ebay',
    marketplaceOrderId: orderId,
    salesChannel: lines[0]?.marketplace ?? null,
    status,
    rawStatus: `${fulfilment}/${payment}/${cancelState}`,
    purchasedAt: created,
    lastUpdatedAt: modified,
    // getOrders carries no ship or delivery instant (those live behind shipping_fulfillment);
    // the retention clock falls back to the latest promised delivery date.
    shippedAt: null,
    deliveredAt: null,
    cancelledAt:
      status === 'cancelled'
        ? (optInstant(cancelStatus.cancelledDate, 'cancelStatus.cancelledDate') ?? modified)
        : null,
    latestDeliveryAt: start
      ? optInstant(start.maxEstimatedDeliveryDate, 'fulfillmentStartInstructions[0].maxEstimatedDeliveryDate')
      : null,
    fulfilmentChannel: instructionType === 'FULFILLED_BY_EBAY' ? 'marketplace' : 'merchant',
    currency: total ? currency(total.currency, 'pricingSummary.total.currency') : null,
    totalAmount: total ? decimal(total.value, 'pricingSummary.total.value') : null,
    lineItems: lines.map((l) => l.item),
    shipToCountry: shipToAddress ? country(shipToAddress.countryCode, 'shipTo.contactAddress.countryCode') : null,
    pii: buyerPii(o, shipTo, lines),
  };
}

interface MappedLine {
  item: CanonicalLineItem;
  marketplace: string | null;
  gift: { message: string | null; recipientEmail: string | null; senderName: string | null } | null;
}

function lineItem(li: Json, i: number): MappedLine {
  const quantity = int(li.quantity, `lineItems[${i}].quantity`, 1);
  const cost = optObj(li.lineItemCost, `lineItems[${i}].lineItemCost`);
  const lineTotal = cost ? decimal(cost.value, `lineItems[${i}].lineItemCost.value`) : null;
  const gift = optObj(li.giftDetails, `lineItems[${i}].giftDetails`);
  return {
    item: {
      lineItemId: str(li.lineItemId, `lineItems[${i}].lineItemId`),
      sku: optStr(li.sku, `lineItems[${i}].sku`),
      marketplaceItemId: optStr(li.legacyItemId, `lineItems[${i}].legacyItemId`),
      title: optStr(li.title, `lineItems[${i}].title`),
      quantity,
      // eBay reports the line's cost (price x quantity); the unit price is exact division or unknown.
      unitPrice: lineTotal ? divideExact(lineTotal, quantity) : null,
      currency: cost ? currency(cost.currency, `lineItems[${i}].lineItemCost.currency`) : null,
    },
    marketplace: optStr(li.purchaseMarketplaceId, `lineItems[${i}].purchaseMarketplaceId`),
    gift: gift
      ? {
          message: optStr(gift.message, `lineItems[${i}].giftDetails.message`),
          recipientEmail: optStr(gift.recipientEmail, `lineItems[${i}].giftDetails.recipientEmail`),
          senderName: optStr(gift.senderName, `lineItems[${i}].giftDetails.senderName`),
        }
      : null,
  };
}

/** Decimal string divided by a small integer, if it divides exactly within 8 places. */
export function divideExact(amount: string, by: number): string | null {
  if (by === 1) return amount;
  const negative = amount.startsWith('-');
  const [whole, frac = ''] = amount.replace('-', '').split('.');
  const scaled = BigInt(whole + frac.padEnd(8, '0'));
  const divisor = BigInt(by);
  if (scaled % divisor !== 0n) return null;
  const q = (scaled / divisor).toString().padStart(9, '0');
  const out = `${q.slice(0, -8)}.${q.slice(-8)}`.replace(/\.?0+$/, '');
  return negative ? `-${out}` : out;
}

function contactName(c: Json | null, field: string): string | null {
  return c ? optStr(c.fullName, `${field}.fullName`) : null;
}

function phoneOf(c: Json | null, field: string): string | null {
  const p = c ? optObj(c.primaryPhone, `${field}.primaryPhone`) : null;
  return p ? optStr(p.phoneNumber, `${field}.primaryPhone.phoneNumber`) : null;
}

function buyerPii(o: Json, shipTo: Json | null, lines: MappedLine[]): BuyerPii | null {
  const buyer = optObj(o.buyer, 'buyer');
  const registration = buyer ? optObj(buyer.buyerRegistrationAddress, 'buyer.buyerRegistrationAddress') : null;
  const shipAddress = shipTo ? optObj(shipTo.contactAddress, 'shipTo.contactAddress') : null;
  const shippingAddress: PostalAddress | null = shipTo
    ? {
        name: contactName(shipTo, 'shipTo'),
        companyName: optStr(shipTo.companyName, 'shipTo.companyName'),
        lines: shipAddress
          ? ['addressLine1', 'addressLine2']
              .map((k) => optStr(shipAddress[k], `shipTo.contactAddress.${k}`))
              .filter((s): s is string => s !== null)
          : [],
        postalCode: shipAddress ? optStr(shipAddress.postalCode, 'shipTo.contactAddress.postalCode') : null,
        city: shipAddress ? optStr(shipAddress.city, 'shipTo.contactAddress.city') : null,
        region: shipAddress ? optStr(shipAddress.stateOrProvince, 'shipTo.contactAddress.stateOrProvince') : null,
        countryCode: shipAddress ? country(shipAddress.countryCode, 'shipTo.contactAddress.countryCode') : null,
        phone: phoneOf(shipTo, 'shipTo'),
      }
    : null;
  const taxIdentifier = buyer ? optObj(buyer.taxIdentifier, 'buyer.taxIdentifier') : null;
  const taxIds: TaxId[] = [];
  const taxpayerId = taxIdentifier ? optStr(taxIdentifier.taxpayerId, 'buyer.taxIdentifier.taxpayerId') : null;
  if (taxIdentifier && taxpayerId) {
    taxIds.push({
      type: optStr(taxIdentifier.taxIdentifierType, 'buyer.taxIdentifier.taxIdentifierType'),
      value: taxpayerId,
      issuingCountry: country(taxIdentifier.issuingCountry, 'buyer.taxIdentifier.issuingCountry'),
    });
  }
  const notes = [
    optStr(o.buyerCheckoutNotes, 'buyerCheckoutNotes'),
    ...lines.flatMap((l) => [l.gift?.recipientEmail ?? null, l.gift?.senderName ?? null]),
  ].filter((s): s is string => s !== null);
  return {
    buyerName: contactName(registration, 'buyerRegistrationAddress') ?? shippingAddress?.name ?? null,
    email:
      (registration ? optStr(registration.email, 'buyerRegistrationAddress.email') : null) ??
      (shipTo ? optStr(shipTo.email, 'shipTo.email') : null),
    phone: phoneOf(registration, 'buyerRegistrationAddress') ?? shippingAddress?.phone ?? null,
    companyName: registration ? optStr(registration.companyName, 'buyerRegistrationAddress.companyName') : null,
    shippingAddress,
    taxIds,
    giftMessages: lines.map((l) => l.gift?.message ?? null).filter((s): s is string => s !== null),
    buyerMarketplaceId: buyer ? optStr(buyer.username, 'buyer.username') : null,
    notes,
  };
}
