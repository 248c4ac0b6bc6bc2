import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataKeyService } from '../crypto';
import {
  BuyerDataCopies,
  OrderRecordHolders,
  type BuyerDataCopyHolder,
  type DestroyedOrderRef,
  type OrderRecordHolder,
} from '../orders';
import type { Tx } from '../platform/database/transaction-manager';
import { DeadLetterRepository } from './dead-letter.repository';

/**
 * Dead letters hold the marketplace payload of an order (buyer data included),
 * sealed under the letter's own data key. When the order's buyer data is
 * destroyed, so is every letter of that marketplace order, open or resolved,
 * whichever connection it came through: payload cleared, key shredded. The
 * letter's PII-free record (code, detail, counts) stays for diagnosis, until
 * the order record itself expires: then the letters go too.
 */
@Injectable()
export class DeadLetterCopies implements BuyerDataCopyHolder, OrderRecordHolder, OnModuleInit {
  readonly name = 'dead_letters';

  constructor(
    private readonly copies: BuyerDataCopies,
    private readonly records: OrderRecordHolders,
    private readonly deadLetters: DeadLetterRepository,
    private readonly dataKeys: DataKeyService,
  ) {}

  onModuleInit(): void {
    this.copies.register(this);
    this.records.register(this);
  }

  async deleteRecords(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number> {
    if (!orders.length) return 0;
    const ids = await this.deadLetters.deleteLettersOfOrders(tx, tenantId, orders);
    await this.dataKeys.destroyDataKeys(tx, tenantId, ids);
    return ids.length;
  }

  async destroyCopies(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number> {
    if (!orders.length) return 0;
    const ids = await this.deadLetters.clearPayloadsOfOrders(tx, tenantId, orders);
    await this.dataKeys.destroyDataKeys(tx, tenantId, ids);
    return ids.length;
  }

  /**
   * Letters with no marketplace order id follow no order's retention: their payloads are
   * destroyed by age (first seen before `before`), at most `limit` per call, in the caller's
   * transaction. Returns the letters destroyed per tenant (for the receipts).
   */
  async expireUnidentified(tx: Tx, before: Date, limit: number): Promise<Map<string, string[]>> {
    const byTenant = await this.deadLetters.clearExpiredUnidentified(tx, before, limit);
    for (const [tenantId, ids] of byTenant) await this.dataKeys.destroyDataKeys(tx, tenantId, ids);
    return byTenant;
  }
}
