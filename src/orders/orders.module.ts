import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto';
import { OrderIngestService } from './order-ingest.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { OutboxRepository } from './outbox.repository';
import { OutboxFeedRepository } from './outbox-feed.repository';
import { OutboxFeedService } from './outbox-feed.service';
import { OutboxPurgeService } from './outbox-purge.service';
import { OutboxRetainers } from './outbox-retainers';
import { BuyerDataCopies } from './buyer-data-copies';
import { PiiDestructionRepository } from './pii-destruction.repository';
import { PiiDestructionService } from './pii-destruction.service';
import { PiiRectificationService } from './pii-rectification.service';
import { SubjectOrdersRepository } from './subject-orders.repository';
import { SubjectOrdersService } from './subject-orders.service';
import { OrderRecordExpiry, OrderRecordHolders } from './order-records';
import { OrderRecordsRepository } from './order-records.repository';

@Module({
  imports: [CryptoModule],
  controllers: [OrdersController],
  providers: [
    OrdersRepository,
    OutboxRepository,
    OutboxFeedRepository,
    OutboxFeedService,
    OutboxPurgeService,
    OutboxRetainers,
    OrdersService,
    OrderIngestService,
    BuyerDataCopies,
    PiiDestructionRepository,
    PiiDestructionService,
    SubjectOrdersRepository,
    SubjectOrdersService,
    OrderRecordsRepository,
    OrderRecordHolders,
    OrderRecordExpiry,
    PiiRectificationService,
  ],
  exports: [
    OrdersService,
    OutboxFeedService,
    OutboxPurgeService,
    OutboxRetainers,
    OrderIngestService,
    BuyerDataCopies,
    PiiDestructionService,
    SubjectOrdersService,
    OrderRecordHolders,
    OrderRecordExpiry,
    PiiRectificationService,
  ],
})
export class OrdersModule {}
