import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { ConnectionsModule } from '../connections/connections.module';
import { OrdersModule } from '../orders';
import { SyncModule } from '../sync/sync.module';
import { RetentionController } from './retention.controller';
import { RetentionPolicyRepository } from './retention-policy.repository';
import { RetentionPolicyService } from './retention-policy.service';
import { RetentionScheduler } from './retention-scheduler';
import { RetentionSweeper } from './retention-sweep.service';

/**
 * Buyer-data retention: sellers' windows, the scheduled sweep and its receipts.
 * The destruction step itself is orders/' (it owns the store); holders of
 * copies (sync's dead letters, delivery's attempt bodies) register with it.
 * Sync is imported so its holder is registered wherever a sweep can run.
 */
@Module({
  imports: [AuditModule, ConnectionsModule, OrdersModule, SyncModule],
  controllers: [RetentionController],
  providers: [RetentionPolicyRepository, RetentionPolicyService, RetentionSweeper, RetentionScheduler],
  exports: [RetentionPolicyService, RetentionSweeper, RetentionScheduler],
})
export class RetentionModule {}
