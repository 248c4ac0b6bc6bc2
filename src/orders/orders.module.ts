import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto';
import { OrderIngestService } from './order-ingest.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { OutboxRepository } from './outbox.repository';
import { BuyerDataCopies } from './buyer-data-copies';
import { PiiDestructionRepository } from './pii-destruction.repository';
import { PiiDestructionService } from './pii-destruction.service';
import { OrderRecordExpiry, OrderRecordHolders } from './order-records';
import { OrderRecordsRepository } from './order-records.repository';

@Module({
  imports: [CryptoModule],
  controllers: [OrdersController],
  providers: [
    OrdersRepository,
    OutboxRepository,
    OrdersService,
    OrderIngestService,
    BuyerDataCopies,
    PiiDestructionRepository,
    PiiDestructionService,
    OrderRecordsRepository,
    OrderRecordHolders,
    OrderRecordExpiry,
  ],
  exports: [
    OrdersService,
    OrderIngestService,
    BuyerDataCopies,
    PiiDestructionService,
    OrderRecordHolders,
    OrderRecordExpiry,
  ],
})
export class OrdersModule {}
