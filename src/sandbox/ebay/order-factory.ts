import { createHash } from 'node:crypto';
import type { SimBuyer } from '../buyers';
import type { Amount, FulfillmentStartInstruction, LineItem, Order } from './wire-types';

/**
 * Builds complete Order resources (spec v1.20.7 field names, field order as in the real captures of
 * examples/ebay/*.sanitized.json). Everything is derived from a seed, so the same scenario always yields
 * the same orders; buyer data comes from `simulatedBuyer`, so every personal string carries "Ovsim".
 */

export const MARKETPLACES: Record<
  string,
  { currency: string; country: string; location: string; carriers: Array<[string, string]> }
> = {
  EBAY_US: {
    currency: 'USD',
    country: 'US',
    location: 'Stafford, Texas',
    carriers: [
      ['UPS', 'UPSGround'],
      ['USPS', 'USPSPriority'],
    ],
  },
  EBAY_DE: {
    currency: 'EUR',
    country: 'DE',
    location: 'Berlin',
    carriers: [
      ['DHL', 'DE_DHLPaket'],
      ['DPD', 'DE_DPDClassic'],
    ],
  },
  EBAY_GB: {
    currency: 'GBP',
    country: 'GB',
    location: 'Leeds',
    carriers: [
      ['RoyalMail', 'UK_RoyalMailSecondClassStandard'],
      ['DPD', 'UK_DPDNextDay'],
    ],
  },
  EBAY_FR: { currency: 'EUR', country: 'FR', location: 'Lyon', carriers: [['Colissimo', 'FR_ColiposteColissimo']] },
  EBAY_IT: { currency: 'EUR', country: 'IT', location: 'Milano', carriers: [['BRT', 'IT_ExpressCourier']] },
  EBAY_ES: {
    currency: 'EUR',
    country: 'ES',
    location: 'Madrid',
    carriers: [['Correos', 'ES_CartasNacionalesHasta20']],
  },
  EBAY_NL: { currency: 'EUR', country: 'NL', location: 'Utrecht', carriers: [['PostNL', 'NL_StandardDelivery']] },
  EBAY_AU: { currency: 'AUD', country: 'AU', location: 'Sydney', carriers: [['AustraliaPost', 'AU_Regular']] },
  EBAY_CA: { currency: 'CAD', country: 'CA', location: 'Toronto', carriers: [['CanadaPost', 'CA_PostRegularParcel']] },
};

const PRODUCTS: Array<[title: string, sku: string]> = [
  ['Apple iPad 10th Gen A2757 64GB Silver Unlocked', 'SKU-IPAD-64'],
  ['OEM Toyota 161A0-29015 Electric Water Pump Genuine', '161A0-29015'],
  ['Vintage Brass Desk Lamp with Green Glass Shade', 'LAMP-BRASS-01'],
  ['LEGO Technic 42115 Lamborghini Sian FKP 37 Sealed', 'LEGO-42115'],
  ['Sony WH-1000XM4 Wireless Noise Cancelling Headphones Black', 'SONY-XM4-BLK'],
  ['Hario V60 Ceramic Coffee Dripper Size 02 White', 'HARIO-V60-02'],
  ['Brompton Folding Bike Front Carrier Block', 'BROMP-CB'],
  ['Nintendo Switch OLED Console White', 'NSW-OLED-W'],
];

/** Small seeded PRNG (mulberry32), the same construction as src/sandbox/buyers.ts. */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const digits = (rand: () => number, n: number): string =>
  Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');

/**
 * eBay renders amounts as decimal strings with at most two and at least one fraction digit
 * ("4085.0", "70.33", "4.95", "0.0" in the captures).
 */
export function formatMoney(cents: number): string {
  const fixed = (cents / 100).toFixed(2);
  return fixed.endsWith('0') ? fixed.slice(0, -1) : fixed;
}

const amount = (cents: number, currency: string): Amount => ({ value: formatMoney(cents), currency });

const DAY = 86_400_000;
/** Delivery estimates in the captures are at 07:00Z (US) or 22:00Z (DE) day boundaries; we use 07:00Z. */
const atSevenUtc = (ms: number): string => {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 7)).toISOString();
};

/** `NN-NNNNN-NNNNN`, the order id format since 2020 (reference §1.5). */
export function orderIdCandidate(seed: string, serial: number, attempt: number): string {
  const rand = seededRandom(`${seed}#order-id#${serial}#${attempt}`);
  return `${10 + Math.floor(rand() * 90)}-${digits(rand, 5)}-${digits(rand, 5)}`;
}

export interface BuildOrderInput {
  seed: string;
  serial: number;
  orderId: string;
  buyer: SimBuyer;
  sellerId: string;
  marketplaceId: string;
  createdAtMs: number;
  lastModifiedAtMs: number;
  salesRecordReference: string;
  lineItemCount?: number;
}

export function buildOrder(input: BuildOrderInput): Order {
  const rand = seededRandom(`${input.seed}#order#${input.serial}`);
  const market = MARKETPLACES[input.marketplaceId] ?? MARKETPLACES.EBAY_US;
  const { currency } = market;
  const { buyer } = input;
  const created = input.createdAtMs;
  const isGiftCard = buyer.giftMessage !== undefined;
  const lineCount = isGiftCard ? 1 : (input.lineItemCount ?? (rand() < 0.8 ? 1 : 2 + Math.floor(rand() * 2)));
  const [carrierCode, serviceCode] = market.carriers[Math.floor(rand() * market.carriers.length)];
  const minDelivery = atSevenUtc(created + 3 * DAY);
  const maxDelivery = atSevenUtc(created + 6 * DAY);
  const shipBy = new Date(created + 2 * DAY).toISOString();
  const shippingCents = isGiftCard || rand() < 0.4 ? 0 : 495;
  const collectsTax = input.marketplaceId === 'EBAY_US';

  const lineItems: LineItem[] = [];
  let subtotal = 0;
  let taxTotal = 0;
  for (let i = 0; i < lineCount; i++) {
    const [title, sku] = isGiftCard
      ? ['eBay Digital Gift Card', 'GIFTCARD-DIGITAL']
      : PRODUCTS[Math.floor(rand() * PRODUCTS.length)];
    const quantity = isGiftCard ? 1 : 1 + Math.floor(rand() * 3);
    const unit = isGiftCard ? 5000 : 499 + Math.floor(rand() * 29500);
    const cost = unit * quantity;
    const lineShipping = i === 0 ? shippingCents : 0;
    subtotal += cost;
    const tax = collectsTax ? Math.round(cost * 0.07) : 0;
    taxTotal += tax;
    const item: LineItem = {
      lineItemId: `1${digits(rand, 13)}`,
      legacyItemId: `2${digits(rand, 11)}`,
      sku,
      title,
      lineItemCost: amount(cost, currency),
      quantity,
      soldFormat: 'FIXED_PRICE',
      listingMarketplaceId: input.marketplaceId,
      purchaseMarketplaceId: input.marketplaceId,
      lineItemFulfillmentStatus: 'NOT_STARTED',
      total: amount(cost + lineShipping, currency),
      deliveryCost: { shippingCost: amount(lineShipping, currency) },
      appliedPromotions: [],
      taxes: [],
      ...(collectsTax
        ? {
            ebayCollectAndRemitTaxes: [
              { taxType: 'STATE_SALES_TAX', amount: amount(tax, currency), collectionMethod: 'NET' as const },
            ],
          }
        : {}),
      properties: { buyerProtection: true },
      lineItemFulfillmentInstructions: {
        minEstimatedDeliveryDate: minDelivery,
        maxEstimatedDeliveryDate: maxDelivery,
        shipByDate: shipBy,
        guaranteedDelivery: false,
      },
      itemLocation: { location: market.location, countryCode: market.country },
      // The spec returns giftDetails only for digital gift card line items (LineItem.giftDetails).
      ...(isGiftCard
        ? { giftDetails: { message: buyer.giftMessage, recipientEmail: buyer.email, senderName: buyer.fullName } }
        : {}),
    };
    lineItems.push(item);
  }

  const total = subtotal + shippingCents;
  const fee = Math.round(total * 0.129) + 30;
  const address = {
    addressLine1: buyer.addressLine1,
    ...(buyer.addressLine2 ? { addressLine2: buyer.addressLine2 } : {}),
    city: buyer.city,
    stateOrProvince: buyer.region,
    postalCode: buyer.postalCode,
    countryCode: buyer.countryCode,
  };
  const contact = {
    ...(buyer.companyName ? { companyName: buyer.companyName } : {}),
    fullName: buyer.fullName,
    contactAddress: { ...address },
    primaryPhone: { phoneNumber: buyer.phone },
    email: buyer.email,
  };
  const instruction: FulfillmentStartInstruction = {
    // Digital gift cards are sent by e-mail (FulfillmentInstructionsType DIGITAL); for digital goods
    // shipTo equals the registration address (spec ShippingStep.shipTo note).
    fulfillmentInstructionsType: isGiftCard ? 'DIGITAL' : 'SHIP_TO',
    minEstimatedDeliveryDate: minDelivery,
    maxEstimatedDeliveryDate: maxDelivery,
    ebaySupportedFulfillment: false,
    shippingStep: {
      shipTo: structuredClone(contact),
      ...(isGiftCard ? {} : { shippingCarrierCode: carrierCode }),
      shippingServiceCode: isGiftCard ? 'EBAY_DIGITAL_DELIVERY' : serviceCode,
    },
  };
  const notes =
    !isGiftCard && rand() < 0.25 ? `Please leave the parcel with ${buyer.familyName} next door (Ovsim).` : undefined;

  return {
    orderId: input.orderId,
    legacyOrderId: input.orderId,
    creationDate: new Date(created).toISOString(),
    lastModifiedDate: new Date(input.lastModifiedAtMs).toISOString(),
    orderFulfillmentStatus: 'NOT_STARTED',
    orderPaymentStatus: 'PAID',
    sellerId: input.sellerId,
    buyer: {
      username: buyer.marketplaceBuyerId,
      taxAddress: {
        city: buyer.city,
        stateOrProvince: buyer.region,
        postalCode: buyer.postalCode,
        countryCode: buyer.countryCode,
      },
      ...(buyer.taxId
        ? {
            taxIdentifier: {
              taxpayerId: buyer.taxId,
              taxIdentifierType: 'VATIN' as const,
              issuingCountry: buyer.countryCode,
            },
          }
        : {}),
      buyerRegistrationAddress: contact,
    },
    ...(notes ? { buyerCheckoutNotes: notes } : {}),
    pricingSummary: {
      priceSubtotal: amount(subtotal, currency),
      deliveryCost: amount(shippingCents, currency),
      fee: amount(fee, currency),
      total: amount(total, currency),
    },
    cancelStatus: { cancelState: 'NONE_REQUESTED', cancelRequests: [] },
    paymentSummary: {
      totalDueSeller: amount(total - fee, currency),
      refunds: [],
      payments: [
        {
          paymentMethod: 'EBAY',
          // eBay-internal constant seen in every real capture (reference §1.5 "Real values").
          paymentReferenceId: '420004_S',
          paymentDate: new Date(created).toISOString(),
          amount: amount(total - fee, currency),
          paymentStatus: 'PAID',
        },
      ],
    },
    fulfillmentStartInstructions: [instruction],
    fulfillmentHrefs: [],
    lineItems,
    ...(collectsTax && taxTotal > 0 ? { ebayCollectAndRemitTax: true } : {}),
    salesRecordReference: input.salesRecordReference,
    totalFeeBasisAmount: amount(total + taxTotal, currency),
    totalMarketplaceFee: amount(fee, currency),
  };
}
