import type { Clock } from '../../platform/clock/clock';
import { marketplace, type AmazonRegion } from './marketplaces';
import { cancelItems, createOrder, shipItems, toWholeSecond } from './order-factory';
import { SeededRandom } from './seeded-random';
import type { MalformationKind, OrderMutation, SimOrder, SimSeller } from './sim-model';
import type { UsagePlan, UsagePlanOperation } from './usage-plan';
import type { CancelledBy, FulfilledBy, FulfillmentStatus } from './wire-types';

export interface AddSellerOptions {
  sellingPartnerId?: string;
  marketplaceIds: string[];
  /** Defaults to the region of the first marketplace. */
  region?: AmazonRegion;
  /** Defaults to true. */
  piiRoles?: boolean;
  /** LWA client the seller authorizes; defaults to the first configured client. */
  clientId?: string;
  usagePlans?: Partial<Record<UsagePlanOperation, UsagePlan>>;
}

export interface AddOrdersOptions {
  /** Defaults to the seller's first marketplace. */
  marketplaceId?: string;
  /** Defaults to a seeded mix of MERCHANT and AMAZON. */
  fulfilledBy?: FulfilledBy;
  /** Defaults to UNSHIPPED. */
  status?: FulfillmentStatus;
  /**
   * Creation time of the first order; the next ones follow one second apart. Defaults to
   * now − count seconds, so that a batch never lies in the future.
   */
  createdAt?: Date | string | number;
}

/**
 * Sellers and their orders: the state the Orders endpoints read and the scenario API
 * writes. Everything random comes from the seed, so a seed plus the same sequence of
 * calls always yields the same order ids, buyers and amounts.
 */
export class AmazonScenario {
  private readonly sellers = new Map<string, SimSeller>();
  private readonly orders = new Map<string, SimOrder>();
  private orderSerial = 0;
  private buyerSerial = 0;
  private sellerSerial = 0;

  constructor(
    private readonly clock: Clock,
    readonly seed: string,
  ) {}

  createSeller(options: AddSellerOptions, clientId: string): SimSeller {
    if (!options.marketplaceIds || options.marketplaceIds.length === 0) {
      throw new Error('addSeller needs at least one marketplace id');
    }
    const markets = options.marketplaceIds.map(marketplace);
    const region = options.region ?? markets[0].region;
    const foreign = markets.find((m) => m.region !== region);
    // One authorization covers the marketplaces of one region only (reference §4.2 step 1).
    if (foreign) throw new Error(`Marketplace ${foreign.id} is in region ${foreign.region}, not ${region}`);
    const sellingPartnerId = options.sellingPartnerId ?? this.nextSellingPartnerId();
    if (this.sellers.has(sellingPartnerId)) throw new Error(`Seller ${sellingPartnerId} already exists`);
    const seller: SimSeller = {
      sellingPartnerId,
      marketplaceIds: [...options.marketplaceIds],
      region,
      piiRoles: options.piiRoles ?? true,
      clientId,
      usagePlans: { ...options.usagePlans },
    };
    this.sellers.set(sellingPartnerId, seller);
    return seller;
  }

  seller(sellingPartnerId: string): SimSeller | undefined {
    return this.sellers.get(sellingPartnerId);
  }

  requireSeller(sellingPartnerId: string): SimSeller {
    const seller = this.sellers.get(sellingPartnerId);
    if (!seller) throw new Error(`Unknown selling partner ${sellingPartnerId}`);
    return seller;
  }

  order(orderId: string): SimOrder | undefined {
    return this.orders.get(orderId);
  }

  requireOrder(orderId: string): SimOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`Unknown order ${orderId}`);
    return order;
  }

  ordersOf(sellingPartnerId: string): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.sellingPartnerId === sellingPartnerId);
  }

  addOrders(sellingPartnerId: string, count: number, options: AddOrdersOptions = {}): SimOrder[] {
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`order count must be a non-negative integer, got ${count}`);
    const seller = this.requireSeller(sellingPartnerId);
    const marketplaceId = options.marketplaceId ?? seller.marketplaceIds[0];
    if (!seller.marketplaceIds.includes(marketplaceId)) {
      throw new Error(`Seller ${sellingPartnerId} does not sell in marketplace ${marketplaceId}`);
    }
    const market = marketplace(marketplaceId);
    const start =
      options.createdAt !== undefined ? new Date(options.createdAt).getTime() : this.clock.nowMs() - count * 1000;
    if (Number.isNaN(start)) throw new Error(`Invalid createdAt ${String(options.createdAt)}`);
    const created: SimOrder[] = [];
    for (let i = 0; i < count; i++) {
      const order = createOrder({
        seed: this.seed,
        serial: this.orderSerial++,
        buyerIndex: this.buyerSerial++,
        sellingPartnerId,
        marketplace: market,
        status: options.status ?? 'UNSHIPPED',
        createdTime: start + i * 1000,
        isTaken: (id) => this.orders.has(id),
        ...(options.fulfilledBy ? { fulfilledBy: options.fulfilledBy } : {}),
      });
      this.orders.set(order.orderId, order);
      created.push(order);
    }
    return created;
  }

  /**
   * Applies a change and stamps `lastUpdatedTime` with the simulator's now, because "an update
   * is any change made by Amazon or the seller, including changes to order status" (model,
   * `lastUpdatedAfter`). A mutation that sets `lastUpdatedTime` itself keeps its value.
   */
  updateOrder(orderId: string, mutate: OrderMutation): SimOrder {
    const order = this.requireOrder(orderId);
    const before = order.lastUpdatedTime;
    mutate(order);
    if (order.lastUpdatedTime === before) order.lastUpdatedTime = toWholeSecond(this.clock.nowMs());
    return order;
  }

  ship(orderId: string): SimOrder {
    return this.updateOrder(orderId, (order) => {
      if (order.status === 'CANCELLED' || order.status === 'UNFULFILLABLE' || order.status === 'SHIPPED') {
        throw new Error(`Order ${orderId} is ${order.status} and cannot be shipped`);
      }
      shipItems(order, order.items, this.clock.nowMs(), this.randomFor(order, 'ship'));
      order.status = 'SHIPPED';
    });
  }

  /** Delivery shows as `packages[].packageStatus.status = DELIVERED` for FBM (reference §1.2 "Key differences" 4). */
  deliver(orderId: string): SimOrder {
    return this.updateOrder(orderId, (order) => {
      if (order.status !== 'SHIPPED')
        throw new Error(`Order ${orderId} is ${order.status}; only shipped orders are delivered`);
      for (const pkg of order.packages) {
        pkg.status = 'DELIVERED';
        pkg.detailedStatus = 'DELIVERED';
      }
      order.deliveredTime = toWholeSecond(this.clock.nowMs());
    });
  }

  cancel(orderId: string, by: CancelledBy = 'BUYER', reason = 'Order no longer needed'): SimOrder {
    return this.updateOrder(orderId, (order) => {
      if (order.status === 'SHIPPED' || order.status === 'CANCELLED') {
        throw new Error(`Order ${orderId} is ${order.status} and cannot be cancelled`);
      }
      cancelItems(order, by, reason);
      order.status = 'CANCELLED';
      for (const pkg of order.packages) {
        pkg.status = 'CANCELLED';
        pkg.detailedStatus = 'LABEL_CANCELLED';
      }
    });
  }

  /** Corruption is a property of the wire view; it does not count as an update of the order. */
  setMalformation(orderId: string, kind: MalformationKind | undefined): void {
    const order = this.requireOrder(orderId);
    if (kind) order.malformation = kind;
    else delete order.malformation;
  }

  private randomFor(order: SimOrder, purpose: string): SeededRandom {
    return new SeededRandom(`${this.seed}/${order.orderId}/${purpose}/${order.packages.length}`);
  }

  private nextSellingPartnerId(): string {
    const rand = new SeededRandom(`${this.seed}/seller#${this.sellerSerial++}`);
    // Real ids look like A3TH9S8BH6GOGM: "A" and 13 upper-case letters or digits.
    for (;;) {
      const id = `A${rand.chars(13, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
      if (!this.sellers.has(id)) return id;
    }
  }
}
