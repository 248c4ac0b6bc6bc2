// Public surface of eBay Marketplace Account Deletion (part of rights/).
export { EbayDeletionModule } from './ebay-deletion.module';
export { EbayAccountDeletionService } from './ebay-deletion.service';
export { EbayDeletionWorker, EBAY_DELETION_QUEUE } from './ebay-deletion.worker';
export { EbayDeletionNotification } from './ebay-deletion-notification.entity';
export { EbayDeletionTarget } from './ebay-deletion-target.entity';
export { challengeResponse } from './ebay-notification';
