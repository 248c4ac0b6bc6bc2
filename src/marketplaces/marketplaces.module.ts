import { Module } from '@nestjs/common';
import { AmazonClientFactory } from './amazon/amazon-client.factory';
import { AmazonConnector } from './amazon/amazon-connector';
import { ConnectorRegistry } from './connector-registry';
import { EbayClientFactory } from './ebay/ebay-client.factory';
import { EbayConnector } from './ebay/ebay-connector';
import { EbayNotificationKeyClient } from './ebay/ebay-notification-keys';

/** Marketplace connectors behind the real client libraries. Produces data; stores nothing. */
@Module({
  providers: [
    AmazonClientFactory,
    EbayClientFactory,
    AmazonConnector,
    EbayConnector,
    ConnectorRegistry,
    EbayNotificationKeyClient,
  ],
  exports: [ConnectorRegistry, AmazonClientFactory, EbayClientFactory, EbayNotificationKeyClient],
})
export class MarketplacesModule {}
