import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto';
import { OrderIngestService } from './order-ingest.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { OutboxRepository } from './outbox.repository';

@Module({
  imports: [CryptoModule],
  controllers: [OrdersController],
  providers: [OrdersRepository, OutboxRepository, OrdersService, OrderIngestService],
  exports: [OrdersService, OrderIngestService],
})
export class OrdersModule {}
