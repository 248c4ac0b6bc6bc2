import { simulatedBuyer } from '../buyers';
import type { MarketplaceInfo } from './marketplaces';
import { SeededRandom } from './seeded-random';
import type { SimOrder, SimOrderItem, SimPackage } from './sim-model';
import type { FulfilledBy, FulfillmentServiceLevel, FulfillmentStatus } from './wire-types';

const DAY = 24 * 60 * 60 * 1000;

/** A neutral catalogue: product data is not buyer data, so it never carries the buyer marker. */
const CATALOGUE: ReadonlyArray<{ asin: string; title: string; sku: string; usdCents: number }> = [
  {
    asin: 'B0OVA10001',
    title: 'Stainless Steel Water Bottle, 750 ml, Matte Black',
    sku: 'OV-BOTTLE-750-BLK',
    usdCents: 1899,
  },
  { asin: 'B0OVA10002', title: 'Bamboo Cutting Board Set (3 Pieces)', sku: 'OV-BOARD-BAMBOO-3', usdCents: 2499 },
  { asin: 'B0OVA10003', title: 'USB-C Charging Cable, 2 m, Braided', sku: 'OV-USBC-2M', usdCents: 999 },
  { asin: 'B0OVA10004', title: 'Ceramic Pour-Over Coffee Dripper', sku: 'OV-DRIPPER-CER', usdCents: 2199 },
  { asin: 'B0OVA10005', title: 'Wool Blend Hiking Socks, 3 Pairs, Size L', sku: 'OV-SOCKS-WOOL-L', usdCents: 1699 },
  { asin: 'B0OVA10006', title: 'LED Desk Lamp with Dimmer', sku: 'OV-LAMP-LED-DIM', usdCents: 3499 },
  { asin: 'B0OVA10007', title: 'Cast Iron Skillet, 26 cm', sku: 'OV-SKILLET-26', usdCents: 3999 },
  { asin: 'B0OVA10008', title: 'Notebook A5, Dotted, 160 Pages', sku: 'OV-NOTEBOOK-A5', usdCents: 1299 },
];

const SERVICE_LEVELS: readonly FulfillmentServiceLevel[] = [
  'STANDARD',
  'STANDARD',
  'STANDARD',
  'EXPEDITED',
  'SECOND_DAY',
  'NEXT_DAY',
];
const SHIPPING_SERVICES: Record<FulfillmentServiceLevel, string> = {
  EXPEDITED: 'Expedited',
  FREE_ECONOMY: 'Economy',
  NEXT_DAY: 'Next Day',
  PRIORITY: 'Priority',
  SAME_DAY: 'Same Day',
  SECOND_DAY: 'Two Day',
  SCHEDULED: 'Scheduled',
  STANDARD: 'Standard',
};

export interface OrderBlueprint {
  seed: string;
  /** Running number of orders in the scenario; makes the order's randomness independent of the others. */
  serial: number;
  buyerIndex: number;
  sellingPartnerId: string;
  marketplace: MarketplaceInfo;
  fulfilledBy?: FulfilledBy;
  status: FulfillmentStatus;
  createdTime: number;
  isTaken: (orderId: string) => boolean;
}

/** Floors to whole seconds: Amazon's timestamps carry no milliseconds, and cursors must round-trip exactly. */
export function toWholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function createOrder(bp: OrderBlueprint): SimOrder {
  const rand = new SeededRandom(`${bp.seed}/amazon-order#${bp.serial}`);
  const buyer = simulatedBuyer(bp.seed, bp.buyerIndex);
  const market = bp.marketplace;
  // UNFULFILLABLE "only applies to Amazon-fulfilled orders that were not placed on Amazon's
  // retail website" (model, FulfillmentStatus enum table): an MCF order on a NON_AMAZON channel.
  const unfulfillable = bp.status === 'UNFULFILLABLE';
  if (unfulfillable && bp.fulfilledBy === 'MERCHANT') {
    throw new Error('UNFULFILLABLE applies only to Amazon-fulfilled (MCF) orders');
  }
  const fulfilledBy: FulfilledBy = unfulfillable
    ? 'AMAZON'
    : (bp.fulfilledBy ?? (rand.chance(0.5) ? 'MERCHANT' : 'AMAZON'));
  const orderId = uniqueOrderId(rand, market, bp.isTaken);
  const createdTime = toWholeSecond(bp.createdTime);

  const itemCount = bp.status === 'PARTIALLY_SHIPPED' ? rand.int(2, 3) : rand.int(1, 3);
  const items: SimOrderItem[] = [];
  const used = new Set<number>();
  for (let i = 0; i < itemCount; i++) {
    let productIndex = rand.int(0, CATALOGUE.length - 1);
    while (used.has(productIndex)) productIndex = (productIndex + 1) % CATALOGUE.length;
    used.add(productIndex);
    const product = CATALOGUE[productIndex];
    const unitPrice = price(product.usdCents, market);
    const quantity = rand.int(1, 3);
    items.push({
      orderItemId: rand.digits(14),
      asin: product.asin,
      title: product.title,
      sellerSku: product.sku,
      quantityOrdered: quantity,
      quantityShipped: 0,
      unitPrice,
      tax: Math.round(unitPrice * quantity * 0.08),
      shipping: i === 0 ? price(rand.pick([0, 0, 499, 799]), market) : 0,
      ...(i === 0 && buyer.giftMessage ? { giftMessage: buyer.giftMessage, giftWrapLevel: 'STANDARD' } : {}),
    });
  }

  const serviceLevel = rand.pick(SERVICE_LEVELS);
  const business = buyer.companyName !== undefined;
  const order: SimOrder = {
    orderId,
    sellingPartnerId: bp.sellingPartnerId,
    marketplaceId: market.id,
    channelName: unfulfillable ? 'NON_AMAZON' : 'AMAZON',
    createdTime,
    lastUpdatedTime: createdTime,
    status: bp.status,
    fulfilledBy,
    serviceLevel,
    programs: [
      ...(fulfilledBy === 'AMAZON' && rand.chance(0.6) ? (['PRIME'] as const) : []),
      ...(business ? (['AMAZON_BUSINESS'] as const) : []),
    ],
    ...(fulfilledBy === 'MERCHANT' && rand.chance(0.5) ? { sellerOrderId: `SO-${rand.digits(8)}` } : {}),
    buyerIndex: bp.buyerIndex,
    buyer,
    ...(business ? { purchaseOrderNumber: `PO-${rand.digits(6)}` } : {}),
    addressType: business ? 'COMMERCIAL' : 'RESIDENTIAL',
    currencyCode: market.currencyCode,
    currencyDecimals: market.currencyDecimals,
    items,
    shipByWindow: { earliest: createdTime, latest: endOfDay(createdTime + 2 * DAY) },
    deliverByWindow: { earliest: startOfDay(createdTime + 3 * DAY), latest: endOfDay(createdTime + 7 * DAY) },
    packages: [],
  };

  // An order born in a later state gets the history that state implies.
  if (bp.status === 'SHIPPED') shipItems(order, order.items, createdTime, rand);
  if (bp.status === 'PARTIALLY_SHIPPED') shipItems(order, [order.items[0]], createdTime, rand);
  if (bp.status === 'CANCELLED') cancelItems(order, 'BUYER', 'Order no longer needed');
  return order;
}

/** Marks the given lines shipped and, for merchant-fulfilled orders, records a package (reference §1.2 "packages[] (FBM only)"). */
export function shipItems(
  order: SimOrder,
  items: SimOrderItem[],
  at: number,
  rand: SeededRandom,
): SimPackage | undefined {
  const pending = items.filter((item) => item.quantityShipped < item.quantityOrdered);
  if (pending.length === 0) return undefined;
  const contents = pending.map((item) => ({
    orderItemId: item.orderItemId,
    quantity: item.quantityOrdered - item.quantityShipped,
  }));
  for (const item of pending) item.quantityShipped = item.quantityOrdered;
  if (order.fulfilledBy !== 'MERCHANT') return undefined;
  const carrier = rand.pick(carriersFor(order));
  const pkg: SimPackage = {
    packageReferenceId: String(order.packages.length + 1),
    createdTime: toWholeSecond(at),
    shipTime: toWholeSecond(at),
    status: 'SHIPPED',
    detailedStatus: 'PICKED_UP',
    carrier,
    shippingService: `${carrier} ${SHIPPING_SERVICES[order.serviceLevel]}`,
    trackingNumber: `${carrier
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 2)
      .toUpperCase()}${rand.digits(12)}`,
    items: contents,
  };
  order.packages.push(pkg);
  return pkg;
}

export function cancelItems(order: SimOrder, by: 'BUYER' | 'MERCHANT' | 'AMAZON', reason: string): void {
  for (const item of order.items) {
    item.cancellation = {
      ...(by === 'BUYER' ? { requestedByBuyer: { reason } } : {}),
      execution: { cancelledBy: by, reason },
    };
  }
}

function carriersFor(order: SimOrder): readonly string[] {
  return CARRIERS_BY_CURRENCY[order.currencyCode] ?? ['UPS'];
}

const CARRIERS_BY_CURRENCY: Record<string, readonly string[]> = {
  USD: ['UPS', 'USPS', 'FedEx'],
  CAD: ['Canada Post', 'Purolator'],
  MXN: ['Estafeta', 'DHL'],
  GBP: ['Royal Mail', 'DPD'],
  EUR: ['DHL', 'DPD', 'GLS'],
  JPY: ['Yamato Transport', 'Japan Post'],
  AUD: ['Australia Post'],
  SGD: ['SingPost'],
};

function uniqueOrderId(rand: SeededRandom, market: MarketplaceInfo, isTaken: (id: string) => boolean): string {
  for (;;) {
    const id = `${rand.pick(market.orderIdPrefixes)}-${rand.digits(7)}-${rand.digits(7)}`;
    if (!isTaken(id)) return id;
  }
}

function price(usdCents: number, market: MarketplaceInfo): number {
  const minor = usdCents * market.priceFactor;
  // Currencies with cents keep the catalogue's ".x9" price endings; JPY is whole yen anyway.
  return market.currencyDecimals === 0
    ? Math.round(minor)
    : Math.round(minor / 10) * 10 - (usdCents % 10 === 9 ? 1 : 0);
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function endOfDay(ms: number): number {
  return startOfDay(ms) + DAY - 1000;
}
