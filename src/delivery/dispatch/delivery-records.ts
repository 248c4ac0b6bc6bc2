import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  OrderRecordHolders,
  OutboxRetainers,
  type DestroyedOrderRef,
  type OrderRecordHolder,
  type OutboxRetainer,
} from '../../orders';
import type { Tx } from '../../platform/database/transaction-manager';
import { DeliveriesRepository } from './deliveries.repository';

/**
 * Delivery's part in the lifetime of order records: when an order record expires, its deliveries and their
 * attempt log go with it (in the expiry's transaction); and an outbox event is kept from the purge while a
 * delivery of it is still open (it is dispatched, fanned out, long before its last retry is given up).
 */
@Injectable()
export class DeliveryRecords implements OrderRecordHolder, OutboxRetainer, OnModuleInit {
  readonly name = 'deliveries';

  constructor(
    private readonly records: OrderRecordHolders,
    private readonly retainers: OutboxRetainers,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  onModuleInit(): void {
    this.records.register(this);
    this.retainers.register(this);
  }

  deleteRecords(tx: Tx, tenantId: string, orders: readonly DestroyedOrderRef[]): Promise<number> {
    return this.deliveries.deleteForOrders(
      tx,
      tenantId,
      orders.map((o) => o.orderId),
    );
  }

  retainedAmong(tx: Tx, tenantId: string, eventIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.deliveries.eventsWithOpenDeliveries(tx, tenantId, eventIds);
  }
}
