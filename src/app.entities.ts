/**
 * Every TypeORM entity of the product, in one list for the data source and the
 * migration tooling. Each feature module owns its own entities; this file only
 * gathers them (as the app module gathers modules).
 */
import { MarketplaceConnection } from './connections/connection.entity';
import { OAuthStateUse } from './connections/oauth/oauth-state-use.entity';
import { DataKey } from './crypto/data-key.entity';
import { TenantIndexKey } from './crypto/tenant-index-key.entity';
import { TenantKey } from './crypto/tenant-key.entity';
import { Order } from './orders/order.entity';
import { OutboxEvent } from './orders/outbox-event.entity';
import { Job } from './platform/jobs/job.entity';
import { DeadLetter } from './sync/dead-letter.entity';
import { RateBudget } from './sync/rate-budget.entity';
import { SyncState } from './sync/sync-state.entity';
import { Tenant } from './tenants/tenant.entity';

export const ALL_ENTITIES: Function[] = [
  Tenant,
  TenantKey,
  TenantIndexKey,
  DataKey,
  MarketplaceConnection,
  OAuthStateUse,
  Job,
  SyncState,
  RateBudget,
  DeadLetter,
  Order,
  OutboxEvent,
];
