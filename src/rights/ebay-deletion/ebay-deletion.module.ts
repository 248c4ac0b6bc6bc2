import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit';
import { CryptoModule } from '../../crypto';
import { MarketplacesModule } from '../../marketplaces';
import { OrdersModule } from '../../orders';
import { RetentionModule } from '../../retention';
import { SyncModule } from '../../sync/sync.module';
import { EbayDeletionMetrics } from './ebay-deletion.metrics';
import { EbayDeletionRepository } from './ebay-deletion.repository';
import { EbayAccountDeletionService } from './ebay-deletion.service';
import { EbayDeletionWorker } from './ebay-deletion.worker';
import { EbayNotificationsController } from './ebay-notifications.controller';
import { EbayPublicKeys } from './ebay-public-keys';

/**
 * eBay Marketplace Account Deletion: the endpoint, eBay's keys, and the background erasure through orders/'
 * destruction step. Sync is imported so its dead-letter copy holder is registered wherever an erasure runs.
 */
@Module({
  imports: [AuditModule, CryptoModule, MarketplacesModule, OrdersModule, RetentionModule, SyncModule],
  controllers: [EbayNotificationsController],
  providers: [
    EbayDeletionRepository,
    EbayDeletionMetrics,
    EbayPublicKeys,
    EbayDeletionWorker,
    EbayAccountDeletionService,
  ],
  exports: [EbayAccountDeletionService, EbayDeletionWorker],
})
export class EbayDeletionModule {}
