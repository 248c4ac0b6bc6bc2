// Public surface of the retention module.
export { RetentionModule } from './retention.module';
export {
  RetentionPolicyService,
  type RetentionChange,
  type PiiWindows,
  type RecordPeriods,
} from './retention-policy.service';
export {
  PII_WINDOW_CAPS,
  RETENTION_MARKETPLACES,
  DEFAULT_ORDER_RECORD_MONTHS,
  MAX_ORDER_RECORD_MONTHS,
  type RetentionMarketplace,
} from './retention-caps';
export type { RetentionPolicyView, MarketplaceRetentionView } from './retention-policy.mapper';
export { RetentionPolicy } from './retention-policy.entity';
export {
  RetentionSweeper,
  type SweepOptions,
  type SweepSummary,
  type SweptBatch,
  type TenantSweep,
} from './retention-sweep.service';
export { RetentionScheduler, RETENTION_QUEUE } from './retention-scheduler';
export { SweepPacer } from './sweep-pacer';
export {
  RetentionOverview,
  DUE_SOON_DAYS,
  RECENTLY_DESTROYED_DAYS,
  type RetentionPreview,
  type RetentionPreviewRow,
  type RetentionStatus,
  type MarketplaceRetentionStatus,
} from './retention-overview.service';
export { LegalHoldsService, MAX_HOLD_DAYS, type NewLegalHold, type TenantHolds } from './legal-holds.service';
export type { LegalHoldView } from './legal-hold.mapper';
export { LegalHold } from './legal-hold.entity';
