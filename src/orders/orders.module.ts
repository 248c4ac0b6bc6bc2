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
import { PiiRectificationService } from './pii-rectification.service';
import { SubjectOrdersRepository } from './subject-orders.repository';
import { SubjectOrdersService } from './subject-orders.service';

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
    SubjectOrdersRepository,
    SubjectOrdersService,
    PiiRectificationService,
  ],
  exports: [
    OrdersService,
    OrderIngestService,
    BuyerDataCopies,
    PiiDestructionService,
    SubjectOrdersService,
    PiiRectificationService,
  ],
})
export class OrdersModule {}
