import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { CryptoModule } from '../crypto';
import { DeliveryModule } from '../delivery/delivery.module';
import { OrdersModule } from '../orders';
import { RetentionModule } from '../retention';
import { SyncModule } from '../sync/sync.module';
import { DataSubjectRequestsController } from './data-subject-requests.controller';
import { DataSubjectRequestsRepository } from './data-subject-requests.repository';
import { DataSubjectRequestsService } from './data-subject-requests.service';
import { DsrRefusalsInterceptor } from './dsr-refusals.interceptor';
import { DsrErasureOrdersRepository } from './dsr-erasure-orders.repository';
import { DsrBackgroundWorker } from './dsr-background.worker';

/**
 * Buyers' data-subject requests: lookup, erasure (through orders/' destruction
 * step; legal holds keep what they cover), exports and rectification; erasures and rectifications of more orders than
 * one call answers run in the background (DsrBackgroundWorker). Sync is imported so its copy holder (dead
 * letters) is registered wherever an erasure can run.
 */
@Module({
  imports: [AuditModule, CryptoModule, DeliveryModule, OrdersModule, RetentionModule, SyncModule],
  controllers: [DataSubjectRequestsController],
  providers: [
    DataSubjectRequestsRepository,
    DataSubjectRequestsService,
    DsrRefusalsInterceptor,
    DsrErasureOrdersRepository,
    DsrBackgroundWorker,
  ],
  exports: [DataSubjectRequestsService, DsrBackgroundWorker],
})
export class DataSubjectRequestsModule {}
