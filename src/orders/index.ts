export { OrdersModule } from './orders.module';
export {
  OrdersService,
  type OrderForDispatch,
  type SealedBatchItem,
  type SealedOrder,
  type SubjectOrderExport,
} from './orders.service';
export type { PendingOutboxEvent } from './outbox.repository';
export { OrderIngestService, ORDER_PII_PURPOSE, type IngestSummary, type IngestScope } from './order-ingest.service';
export type { MaskedOrderView, RevealedOrderView } from './order.mapper';
export type { UnreadableOrder } from './unreadable-pii';
export { BuyerDataCopies, type BuyerDataCopyHolder, type DestroyedOrderRef } from './buyer-data-copies';
export {
  PiiDestructionService,
  type ClaimedOrder,
  type DestructionCause,
  type DestructionResult,
  type DestructionSelector,
  type DueCutoff,
  type RetentionCounts,
} from './pii-destruction.service';
export { OutboxFeedService, type FeedPage, type FeedQuery, type FeedRow } from './outbox-feed.service';
export { OUTBOX_EVENT_TYPES, type OrderEventType } from './outbox-event.entity';
export {
  SubjectOrdersService,
  type SubjectOrderRef,
  type SubjectSelector,
  type SubjectSelectorKind,
} from './subject-orders.service';
export {
  OrderRecordExpiry,
  OrderRecordHolders,
  type OrderRecordHolder,
  type RecordExpiryResult,
  type ExpiredOrder,
} from './order-records';
export { PiiRectificationService, type RectificationResult } from './pii-rectification.service';
export { correctedPaths, RECTIFIABLE_FIELDS, type PiiCorrections, type RectifiableField } from './pii-merge';
export { OutboxPurgeService, type OutboxPurgeResult } from './outbox-purge.service';
export { OutboxRetainers, type OutboxRetainer } from './outbox-retainers';
export { BuyerPiiSchema, MaskedOrderViewSchema, RevealedOrderViewSchema } from './order.schema';
