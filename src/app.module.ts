import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MIGRATIONS } from '../migrations';
import { AccessModule } from './access/access.module';
import { ALL_ENTITIES } from './app.entities';
import type { AppConfig } from './config';
import { ConfigModule } from './config';
import { ObservabilityModule } from './observability/observability.module';
import type { Clock } from './platform/clock/clock';
import type { DatabaseTarget } from './platform/database/database-target';
import type { AppLogger } from './platform/logging/app-logger';
import { PlatformModule } from './platform/platform.module';
import { TenantsModule } from './tenants/tenants.module';
import { ConnectionsModule } from './connections/connections.module';
import { MarketplacesModule } from './marketplaces/marketplaces.module';
import { OrdersModule } from './orders/orders.module';
import { SyncModule } from './sync/sync.module';
import { RetentionModule } from './retention/retention.module';
import { ConsoleModule } from './console/console.module';
import { DeliveryModule } from './delivery/delivery.module';
import { EbayDeletionModule } from './rights/ebay-deletion';
import { DataSubjectRequestsModule } from './rights/data-subject-requests.module';
import { TenantOffboardingModule } from './rights/offboarding/tenant-offboarding.module';

export interface AppOptions {
  readonly config: AppConfig;
  readonly clock?: Clock;
  readonly logger?: AppLogger;
  /** Overrides the configured database (tests hand in their own). */
  readonly database?: DatabaseTarget;
  readonly migrateOnStart?: boolean;
}

/** The whole service. Entry points (HTTP, CLI, demo, tests) build it with their options. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        PlatformModule.forRoot({
          entities: ALL_ENTITIES,
          migrations: MIGRATIONS,
          database: options.database,
          clock: options.clock,
          logger: options.logger,
          migrateOnStart: options.migrateOnStart,
        }),
        ScheduleModule.forRoot(),
        AccessModule,
        ObservabilityModule,
        TenantsModule,
        ConnectionsModule,
        MarketplacesModule,
        OrdersModule,
        SyncModule,
        RetentionModule,
        ConsoleModule,
        DeliveryModule,
        EbayDeletionModule,
        DataSubjectRequestsModule,
        TenantOffboardingModule,
      ],
    };
  }
}
