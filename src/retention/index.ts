// Public surface of the retention module.
export { RetentionModule } from './retention.module';
export { RetentionPolicyService, type PiiWindowChange, type PiiWindows } from './retention-policy.service';
export { PII_WINDOW_CAPS, RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
export type { RetentionPolicyView, MarketplaceRetentionView } from './retention-policy.mapper';
export { RetentionPolicy } from './retention-policy.entity';
