import { Module } from '@nestjs/common';
import { AmazonClientFactory } from './amazon/amazon-client.factory';
import { AmazonConnector } from './amazon/amazon-connector';
import { ConnectorRegistry } from './connector-registry';
import { EbayClientFactory } from './ebay/ebay-client.factory';
import { EbayConnector } from './ebay/ebay-connector';

/** Marketplace connectors behind the real client libraries. Produces data; stores nothing. */
@Module({
  providers: [AmazonClientFactory, EbayClientFactory, AmazonConnector, EbayConnector, ConnectorRegistry],
  exports: [ConnectorRegistry, AmazonClientFactory, EbayClientFactory],
})
export class MarketplacesModule {}
