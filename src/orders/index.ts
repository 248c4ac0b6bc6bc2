export { OrdersModule } from './orders.module';
export { OrdersService, type SealedBatchItem, type SealedOrder } from './orders.service';
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
export { OutboxFeedService, type FeedPage, type FeedQuery, type FeedRow } from './outbox-feed.service';
export { OUTBOX_EVENT_TYPES, type OrderEventType } from './outbox-event.entity';
export { OutboxPurgeService, type OutboxPurgeResult } from './outbox-purge.service';
export { OutboxRetainers, type OutboxRetainer } from './outbox-retainers';
