import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { CryptoModule } from '../crypto';
import { OrdersModule } from '../orders';
import { TenantsModule } from '../tenants/tenants.module';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { EndpointsService } from './endpoints/endpoints.service';
import { EventFeedService } from './feed/event-feed.service';
import { EventsController } from './feed/events.controller';
import { EventTypesController } from './catalog/event-types.controller';
import { OutboxPurgeScheduler } from './purge/outbox-purge.scheduler';
import { HostResolver, SystemHostResolver } from './outbound/host-resolver';
import { WebhookTargetGuard } from './outbound/target-guard';

/** Forwarding orders to sellers' systems: webhook endpoints (and, as they land, fan-out, dispatch, pull feed). */
@Module({
  imports: [CryptoModule, TenantsModule, AuditModule, OrdersModule],
  controllers: [EndpointsController, EventsController, EventTypesController],
  providers: [
    EndpointsRepository,
    EndpointsService,
    EventFeedService,
    OutboxPurgeScheduler,
    WebhookTargetGuard,
    { provide: HostResolver, useClass: SystemHostResolver },
  ],
  exports: [EndpointsService],
})
export class DeliveryModule {}
