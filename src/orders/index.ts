export { OrdersModule } from './orders.module';
export { OrdersService, type SealedOrder, type OrderForDispatch } from './orders.service';
export type { PendingOutboxEvent } from './outbox.repository';
export { OrderIngestService, ORDER_PII_PURPOSE, type IngestSummary, type IngestScope } from './order-ingest.service';
export type { MaskedOrderView, RevealedOrderView } from './order.mapper';
export type { UnreadableOrder } from './unreadable-pii';
export { BuyerDataCopies, type BuyerDataCopyHolder, type DestroyedOrderRef } from './buyer-data-copies';
export {
  PiiDestructionService,
  type ClaimedOrder,
  type DestructionResult,
  type DueCutoff,
} from './pii-destruction.service';
