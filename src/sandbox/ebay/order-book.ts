import { simulatedBuyer, type SimBuyer } from '../buyers';
import type { Clock } from '../../platform/clock/clock';
import { buildOrder, MARKETPLACES, orderIdCandidate, seededRandom } from './order-factory';
import type { MalformationKind } from './order-projection';
import type { EbayAccountType } from './user-endpoint';
import type { CancelRequest, Order } from './wire-types';

export interface SellerRecord {
  /** The seller's username (what Fulfillment orders carry as `sellerId`). */
  sellerId: string;
  marketplaceId: string;
  /** Commerce Identity `userId`: immutable, unlike the username. */
  userId: string;
  accountType: EbayAccountType;
}

export interface StoredOrder {
  order: Order;
  buyerIndex: number;
  malformations: Set<MalformationKind>;
  /** Known to the simulator only: the Fulfillment API has no delivery signal (see deliver()). */
  deliveredAt?: string;
}

export interface AddOrderOptions {
  /** Creation time of this (or, for addOrders, the first) order. Default: now, or spread back from now. */
  createdAt?: Date | string | number;
  /** Gap between consecutive orders of one addOrders call. Default 60 s. */
  spacingMs?: number;
  /** Line items per order; default: 1 mostly, sometimes 2–3 (seeded). */
  lineItems?: number;
  /** Reuse a simulated buyer (same username/PII) instead of the next fresh one. */
  buyerIndex?: number;
}

export interface ShipOptions {
  /** Ship only these line items (order becomes IN_PROGRESS until all are shipped). */
  lineItemIds?: string[];
  trackingNumber?: string;
}

export interface CancelOptions {
  initiator?: 'Buyer' | 'Seller';
  reason?: string;
}

const DAY = 86_400_000;
/** "getOrders can return orders up to two years old" (spec). */
export const RETENTION_MS = 730 * DAY;

/**
 * The simulator's order database and the scenario verbs that change it. Every change moves
 * lastModifiedDate to the simulator's now (strictly forward), which is what a lastmodifieddate poll sees.
 */
export class OrderBook {
  private readonly sellers = new Map<string, SellerRecord>();
  private readonly orders = new Map<string, StoredOrder>();
  private readonly salesRecords = new Map<string, number>();
  private nextBuyerIndex = 1;
  private nextSerial = 1;
  private nextSellerNumber = 1;

  constructor(
    private readonly clock: Clock,
    private readonly seed: string,
  ) {}

  addSeller(
    sellerId?: string,
    marketplaceId = 'EBAY_US',
    identity: { userId?: string; accountType?: EbayAccountType } = {},
  ): SellerRecord {
    if (!MARKETPLACES[marketplaceId]) throw new Error(`Unsupported marketplace ${marketplaceId}`);
    const id = sellerId ?? `sim_seller_${this.nextSellerNumber++}`;
    if (this.sellers.has(id)) throw new Error(`Seller ${id} already exists`);
    const record: SellerRecord = {
      sellerId: id,
      marketplaceId,
      userId: identity.userId ?? immutableUserId(`${this.seed}#user#${id}`),
      accountType: identity.accountType ?? 'BUSINESS',
    };
    this.sellers.set(id, record);
    return { ...record };
  }

  seller(sellerId: string): SellerRecord | undefined {
    return this.sellers.get(sellerId);
  }

  addOrders(sellerId: string, count: number, options: AddOrderOptions = {}): Order[] {
    const spacing = options.spacingMs ?? 60_000;
    const first =
      options.createdAt !== undefined
        ? new Date(options.createdAt).getTime()
        : this.clock.nowMs() - (count - 1) * spacing;
    const created: Order[] = [];
    for (let i = 0; i < count; i++) {
      created.push(this.addOrder(sellerId, { ...options, createdAt: first + i * spacing }));
    }
    return created;
  }

  addOrder(sellerId: string, options: AddOrderOptions = {}): Order {
    const seller = this.sellers.get(sellerId);
    if (!seller) throw new Error(`Unknown seller ${sellerId}`);
    const now = this.clock.nowMs();
    const createdAtMs = options.createdAt !== undefined ? new Date(options.createdAt).getTime() : now;
    if (Number.isNaN(createdAtMs)) throw new Error(`Invalid createdAt ${String(options.createdAt)}`);
    const serial = this.nextSerial++;
    const buyerIndex = options.buyerIndex ?? this.nextBuyerIndex++;
    const salesRecord = (this.salesRecords.get(sellerId) ?? 10_000) + 1;
    this.salesRecords.set(sellerId, salesRecord);
    let orderId = orderIdCandidate(this.seed, serial, 0);
    for (let attempt = 1; this.orders.has(orderId); attempt++) orderId = orderIdCandidate(this.seed, serial, attempt);
    // Real orders are modified a second or two after creation (payment); never later than now.
    const lastModifiedAtMs = createdAtMs <= now ? Math.min(createdAtMs + 2_000, now) : createdAtMs + 2_000;
    const order = buildOrder({
      seed: this.seed,
      serial,
      orderId,
      buyer: simulatedBuyer(this.seed, buyerIndex),
      sellerId,
      marketplaceId: seller.marketplaceId,
      createdAtMs,
      lastModifiedAtMs,
      salesRecordReference: String(salesRecord),
      lineItemCount: options.lineItems,
    });
    this.orders.set(orderId, { order, buyerIndex, malformations: new Set() });
    return structuredClone(order);
  }

  get(orderId: string): StoredOrder | undefined {
    return this.orders.get(orderId);
  }

  buyerOf(orderId: string): SimBuyer {
    return simulatedBuyer(this.seed, this.require(orderId).buyerIndex);
  }

  /** Orders of one seller still inside eBay's two-year window. */
  forSeller(sellerId: string): StoredOrder[] {
    const cutoff = this.clock.nowMs() - RETENTION_MS;
    return [...this.orders.values()].filter(
      (s) => s.order.sellerId === sellerId && Date.parse(s.order.creationDate) >= cutoff,
    );
  }

  ship(orderId: string, options: ShipOptions = {}): Order {
    return this.change(orderId, (order) => {
      const ids = options.lineItemIds ?? order.lineItems.map((li) => li.lineItemId);
      for (const item of order.lineItems)
        if (ids.includes(item.lineItemId)) item.lineItemFulfillmentStatus = 'FULFILLED';
      const all = order.lineItems.every((li) => li.lineItemFulfillmentStatus === 'FULFILLED');
      order.orderFulfillmentStatus = all ? 'FULFILLED' : 'IN_PROGRESS';
      const rand = seededRandom(`${this.seed}#fulfillment#${orderId}#${order.fulfillmentHrefs.length}`);
      const fulfillmentId =
        options.trackingNumber ?? `1Z${Array.from({ length: 16 }, () => Math.floor(rand() * 10)).join('')}`;
      order.fulfillmentHrefs.push(
        `https://api.ebay.com/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${fulfillmentId}`,
      );
    });
  }

  /**
   * The Fulfillment API carries no delivery signal: neither Order nor ShippingFulfillment has a delivered
   * status or date in spec v1.20.7; only the estimate window (fulfillmentStartInstructions[].min/
   * maxEstimatedDeliveryDate) exists. So delivery changes nothing on the wire and does not touch
   * lastModifiedDate; the simulator only remembers when it happened (deliveredAt()).
   */
  deliver(orderId: string): string {
    const stored = this.require(orderId);
    if (stored.order.orderFulfillmentStatus !== 'FULFILLED') throw new Error(`Order ${orderId} has not been shipped`);
    stored.deliveredAt = this.clock.now().toISOString();
    return stored.deliveredAt;
  }

  requestCancel(orderId: string, options: CancelOptions = {}): Order {
    return this.change(orderId, (order, nowIso) => {
      order.cancelStatus.cancelState = 'IN_PROGRESS';
      order.cancelStatus.cancelRequests.push(
        this.cancelRequest(
          orderId,
          order,
          nowIso,
          'REQUESTED',
          options.initiator ?? 'Buyer',
          options.reason ?? 'BUYER_ASKED_CANCEL',
        ),
      );
    });
  }

  cancel(orderId: string, options: CancelOptions = {}): Order {
    return this.change(orderId, (order, nowIso) => {
      const pending = order.cancelStatus.cancelRequests.find((r) => r.cancelRequestState === 'REQUESTED');
      if (pending) {
        pending.cancelRequestState = 'COMPLETED';
        pending.cancelCompletedDate = nowIso;
      } else {
        const request = this.cancelRequest(
          orderId,
          order,
          nowIso,
          'COMPLETED',
          options.initiator ?? 'Seller',
          options.reason ?? 'OUT_OF_STOCK_OR_CANNOT_FULFILL',
        );
        request.cancelCompletedDate = nowIso;
        order.cancelStatus.cancelRequests.push(request);
      }
      order.cancelStatus.cancelState = 'CANCELED';
      order.cancelStatus.cancelledDate = nowIso;
      // A cancelled paid order is refunded in full.
      order.orderPaymentStatus = 'FULLY_REFUNDED';
      order.paymentSummary.refunds.push({
        refundDate: nowIso,
        amount: { ...order.pricingSummary.total },
        refundStatus: 'REFUNDED',
        refundReferenceId: String(5_300_000_000 + order.paymentSummary.refunds.length),
      });
    });
  }

  /** Arbitrary change; lastModifiedDate is bumped unless `mutate` set it itself. */
  updateOrder(orderId: string, mutate: (order: Order) => void): Order {
    return this.change(orderId, (order) => mutate(order));
  }

  makeOrderMalformed(orderId: string, kind: MalformationKind): void {
    this.require(orderId).malformations.add(kind);
  }

  /** Serves the order intact again; lastModifiedDate stays, as when eBay fixes a record on its side. */
  repairOrder(orderId: string): void {
    this.require(orderId).malformations.clear();
  }

  deliveredAt(orderId: string): string | undefined {
    return this.require(orderId).deliveredAt;
  }

  private cancelRequest(
    orderId: string,
    order: Order,
    nowIso: string,
    state: CancelRequest['cancelRequestState'],
    initiator: 'Buyer' | 'Seller',
    reason: string,
  ): CancelRequest {
    const rand = seededRandom(`${this.seed}#cancel#${orderId}#${order.cancelStatus.cancelRequests.length}`);
    return {
      cancelRequestId: `5${Array.from({ length: 9 }, () => Math.floor(rand() * 10)).join('')}`,
      cancelInitiator: initiator,
      cancelReason: reason,
      cancelRequestedDate: nowIso,
      cancelRequestState: state,
    };
  }

  private require(orderId: string): StoredOrder {
    const stored = this.orders.get(orderId);
    if (!stored) throw new Error(`Unknown order ${orderId}`);
    return stored;
  }

  private change(orderId: string, mutate: (order: Order, nowIso: string) => void): Order {
    const stored = this.require(orderId);
    const before = stored.order.lastModifiedDate;
    const nowMs = this.clock.nowMs();
    mutate(stored.order, new Date(nowMs).toISOString());
    if (stored.order.lastModifiedDate === before) {
      // Strictly later than the previous modification, even if the clock has not moved.
      stored.order.lastModifiedDate = new Date(Math.max(nowMs, Date.parse(before) + 1)).toISOString();
    }
    return structuredClone(stored.order);
  }
}

const USER_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An opaque, seeded 11-character id in the style of eBay's immutable user ids (e.g. `ma8vp1jySJC`). */
function immutableUserId(seed: string): string {
  const rand = seededRandom(seed);
  return Array.from({ length: 11 }, () => USER_ID_ALPHABET[Math.floor(rand() * USER_ID_ALPHABET.length)]).join('');
}
