export * from './canonical-order';
export * from './marketplace-connector';
export * from './marketplace-error';
export { MarketplacesModule } from './marketplaces.module';
export { ConnectorRegistry } from './connector-registry';
export { AmazonClientFactory } from './amazon/amazon-client.factory';
export { EbayClientFactory } from './ebay/ebay-client.factory';
export { EbayNotificationKeyClient, type EbayNotificationKey } from './ebay/ebay-notification-keys';
