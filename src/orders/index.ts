export { OrdersModule } from './orders.module';
export { OrdersService, type SealedOrder } from './orders.service';
export { OrderIngestService, ORDER_PII_PURPOSE, type IngestSummary, type IngestScope } from './order-ingest.service';
export type { MaskedOrderView, RevealedOrderView } from './order.mapper';
export type { UnreadableOrder } from './unreadable-pii';
export { BuyerDataCopies, type BuyerDataCopyHolder, type DestroyedOrderRef } from './buyer-data-copies';
export {
  PiiDestructionService,
  type ClaimedOrder,
  type DestructionResult,
  type DueCutoff,
  type RetentionCounts,
} from './pii-destruction.service';
export {
  OrderRecordExpiry,
  OrderRecordHolders,
  type OrderRecordHolder,
  type RecordExpiryResult,
  type ExpiredOrder,
} from './order-records';
