import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { ConnectionsModule } from '../connections/connections.module';
import { OrdersModule } from '../orders';
import { SyncModule } from '../sync/sync.module';
import { RetentionController } from './retention.controller';
import { LegalHoldsController } from './legal-holds.controller';
import { LegalHoldsRepository } from './legal-holds.repository';
import { LegalHoldsService } from './legal-holds.service';
import { RetentionPolicyRepository } from './retention-policy.repository';
import { RetentionPolicyService } from './retention-policy.service';
import { RetentionScheduler } from './retention-scheduler';
import { RetentionSweeper } from './retention-sweep.service';
import { EndedConnectionSweeper } from './ended-connection-sweep';
import { BuyerDataSweeper } from './buyer-data-sweep';
import { OrderRecordSweeper } from './order-record-sweep';
import { RetentionOverview } from './retention-overview.service';
import { RetentionMetrics } from './retention-metrics';

/**
 * Buyer-data retention: sellers' windows, the scheduled sweep and its receipts.
 * The destruction step itself is orders/' (it owns the store); holders of
 * copies (sync's dead letters, delivery's attempt bodies) register with it.
 * Sync is imported so its holder is registered wherever a sweep can run.
 */
@Module({
  imports: [AuditModule, ConnectionsModule, OrdersModule, SyncModule],
  controllers: [RetentionController, LegalHoldsController],
  providers: [
    LegalHoldsRepository,
    LegalHoldsService,
    RetentionPolicyRepository,
    RetentionPolicyService,
    BuyerDataSweeper,
    EndedConnectionSweeper,
    OrderRecordSweeper,
    RetentionSweeper,
    RetentionScheduler,
    RetentionOverview,
    RetentionMetrics,
  ],
  exports: [LegalHoldsService, RetentionPolicyService, RetentionSweeper, RetentionScheduler, RetentionOverview],
})
export class RetentionModule {}
