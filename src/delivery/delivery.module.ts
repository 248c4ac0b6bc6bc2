import { Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { CryptoModule } from '../crypto';
import { OrdersModule } from '../orders';
import { TenantsModule } from '../tenants/tenants.module';
import { AttemptResponseCopies } from './dispatch/attempt-response-copies';
import { DeliveryRecords } from './dispatch/delivery-records';
import { DeliveryHealthService } from './dispatch/delivery-health';
import { TenantDeliveryHealthController } from './dispatch/delivery-health.controller';
import { DeliveryHealthRepository } from './dispatch/delivery-health.repository';
import { DeliveriesController } from './dispatch/deliveries.controller';
import { DeliveriesRepository } from './dispatch/deliveries.repository';
import { DeliveriesService } from './dispatch/deliveries.service';
import { DispatchWake } from './dispatch/dispatch-wake';
import { DispatchLoop } from './dispatch/dispatch-loop';
import { DeliveryMetrics } from './dispatch/delivery-metrics';
import { DeliveryPreparer } from './dispatch/delivery-preparer';
import { DeliveryRecorder } from './dispatch/delivery-recorder';
import { Dispatcher } from './dispatch/dispatcher.service';
import { FanOutService } from './dispatch/fan-out.service';
import { WebhookClient } from './dispatch/webhook-client';
import { EndpointsController } from './endpoints/endpoints.controller';
import { EndpointsRepository } from './endpoints/endpoints.repository';
import { EndpointsService } from './endpoints/endpoints.service';
import { EventFeedService } from './feed/event-feed.service';
import { EventsController } from './feed/events.controller';
import { EventTypesController } from './catalog/event-types.controller';
import { OutboxPurgeScheduler } from './purge/outbox-purge.scheduler';
import { HostResolver, SystemHostResolver } from './outbound/host-resolver';
import { DeliveryReplayWorker } from './replay/delivery-replay.worker';
import { DeliveryReplaysRepository } from './replay/delivery-replays.repository';
import { DeliveryReplaysService } from './replay/delivery-replays.service';
import { WebhookTargetGuard } from './outbound/target-guard';

/** Forwarding orders to sellers' systems: webhook endpoints, fan-out of outbox events, dispatch. */
@Module({
  imports: [CryptoModule, TenantsModule, AuditModule, OrdersModule],
  controllers: [
    EndpointsController,
    EventsController,
    EventTypesController,
    DeliveriesController,
    TenantDeliveryHealthController,
  ],
  providers: [
    DeliveryHealthRepository,
    DeliveryHealthService,
    EndpointsRepository,
    EndpointsService,
    EventFeedService,
    OutboxPurgeScheduler,
    WebhookTargetGuard,
    { provide: HostResolver, useClass: SystemHostResolver },
    DeliveriesRepository,
    FanOutService,
    DeliveryPreparer,
    DeliveryRecorder,
    WebhookClient,
    Dispatcher,
    AttemptResponseCopies,
    DeliveryRecords,
    DeliveriesService,
    DispatchWake,
    DispatchLoop,
    DeliveryMetrics,
    DeliveryReplaysRepository,
    DeliveryReplayWorker,
    DeliveryReplaysService,
  ],
  exports: [
    EndpointsService,
    FanOutService,
    Dispatcher,
    DeliveriesService,
    DeliveryReplaysService,
    DeliveryReplayWorker,
    DeliveryHealthService,
  ],
})
export class DeliveryModule {}
