import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';

/** An order whose buyer data is being destroyed, as the holders of its copies find them. */
export interface DestroyedOrderRef {
  readonly orderId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
}

/**
 * Something outside the orders table that may hold a copy of an order's buyer
 * data (dead letters in sync/, delivery attempt bodies in delivery/). It
 * destroys its copies inside the destruction's transaction, so an order's data
 * is gone everywhere or nowhere.
 */
export interface BuyerDataCopyHolder {
  /** Short, stable name (a metric label and a key of the destruction summary). */
  readonly name: string;
  /** Destroys the copies of these orders' buyer data; returns how many copies it destroyed. */
  destroyCopies(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number>;
}

/**
 * The holders of copies, each registered by its own module when it starts
 * (`onModuleInit`), so the orders module names none of them and a new holder
 * is added without touching the destruction step.
 */
@Injectable()
export class BuyerDataCopies {
  private readonly holders = new Map<string, BuyerDataCopyHolder>();

  register(holder: BuyerDataCopyHolder): void {
    if (this.holders.has(holder.name)) throw new Error(`buyer-data copy holder "${holder.name}" registered twice`);
    this.holders.set(holder.name, holder);
  }

  list(): readonly BuyerDataCopyHolder[] {
    return [...this.holders.values()];
  }
}
