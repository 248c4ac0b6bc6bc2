import type { INestApplicationContext } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../src/config';
import { DeliveriesRepository } from '../../../src/delivery/dispatch/deliveries.repository';
import { DeliveryPreparer } from '../../../src/delivery/dispatch/delivery-preparer';
import { DeliveryRecorder } from '../../../src/delivery/dispatch/delivery-recorder';
import { Dispatcher } from '../../../src/delivery/dispatch/dispatcher.service';
import { WebhookClient } from '../../../src/delivery/dispatch/webhook-client';
import type { Clock } from '../../../src/platform/clock/clock';
import { TransactionManager } from '../../../src/platform/database/transaction-manager';
import { AppLogger } from '../../../src/platform/logging/app-logger';

/**
 * A dispatcher as another replica runs one: the same database and services, an identity (lease owner) of its own;
 * by default the app's HTTP client, or one of its own (a replica's own agents).
 */
export function replicaDispatcher(
  app: INestApplicationContext,
  clock: Clock,
  client: WebhookClient = app.get(WebhookClient),
  config: AppConfig = app.get<AppConfig>(APP_CONFIG),
): Dispatcher {
  return new Dispatcher(
    app.get(DeliveriesRepository),
    app.get(DeliveryPreparer),
    app.get(DeliveryRecorder),
    client,
    app.get(TransactionManager),
    clock,
    app.get(AppLogger),
    config,
  );
}
