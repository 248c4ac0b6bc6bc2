import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { CryptoModule } from '../crypto';
import { MarketplacesModule } from '../marketplaces/marketplaces.module';
import { OrdersModule } from '../orders';
import { DeadLetterCopies } from './dead-letter-copies';
import { DeadLetterReplayer } from './dead-letter-replay';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';
import { PageCommitter } from './page-committer';
import { RateBudgetRepository } from './rate-budget.repository';
import { RateBudgetService } from './rate-budget.service';
import { SyncHealthController, TenantSyncHealthController } from './sync-health.controller';
import { SyncHealthService } from './sync-health';
import { SyncMetrics } from './sync-metrics';
import { SyncRunner } from './sync-runner';
import { SyncFailureHandler } from './sync-failure-handler';
import { SyncScheduler } from './sync-scheduler';
import { SyncSkipReasons } from './sync-skip-reasons';
import { SyncStateRepository } from './sync-state.repository';
import { SyncWorker } from './sync-worker';
import { WindowReader } from './window-reader';

@Module({
  imports: [ConnectionsModule, MarketplacesModule, OrdersModule, CryptoModule],
  controllers: [DeadLettersController, SyncHealthController, TenantSyncHealthController],
  providers: [
    DeadLettersService,
    SyncStateRepository,
    DeadLetterRepository,
    DeadLetterCopies,
    RateBudgetRepository,
    RateBudgetService,
    PageCommitter,
    DeadLetterReplayer,
    SyncMetrics,
    SyncFailureHandler,
    WindowReader,
    SyncRunner,
    SyncWorker,
    SyncScheduler,
    SyncSkipReasons,
    SyncHealthService,
  ],
  exports: [SyncWorker, DeadLetterCopies, SyncSkipReasons, DeadLettersService, SyncHealthService],
})
export class SyncModule {}
