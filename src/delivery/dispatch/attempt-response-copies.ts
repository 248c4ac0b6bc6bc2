import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BuyerDataCopies, type BuyerDataCopyHolder, type DestroyedOrderRef } from '../../orders';
import type { Tx } from '../../platform/database/transaction-manager';
import { DeliveriesRepository } from './deliveries.repository';

/**
 * Receivers' answers kept in the attempt log are sealed under the order's data
 * key, so shredding that key already makes them unreadable; this also clears
 * the ciphertext in the destruction's transaction, so nothing of them is left.
 */
@Injectable()
export class AttemptResponseCopies implements BuyerDataCopyHolder, OnModuleInit {
  readonly name = 'delivery_attempts';

  constructor(
    private readonly copies: BuyerDataCopies,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  onModuleInit(): void {
    this.copies.register(this);
  }

  destroyCopies(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number> {
    return this.deliveries.clearResponses(
      tx,
      tenantId,
      orders.map((o) => o.orderId),
    );
  }
}
