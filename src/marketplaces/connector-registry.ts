import { Injectable } from '@nestjs/common';
import type { MarketplaceName } from './canonical-order';
import type { MarketplaceConnector } from './marketplace-connector';
import { AmazonConnector } from './amazon/amazon-connector';
import { EbayConnector } from './ebay/ebay-connector';

/** Finds the connector for a marketplace. */
@Injectable()
export class ConnectorRegistry {
  private readonly byName: Record<MarketplaceName, MarketplaceConnector>;

  constructor(amazon: AmazonConnector, ebay: EbayConnector) {
    this.byName = { amazon, ebay };
  }

  get(marketplace: MarketplaceName): MarketplaceConnector {
    return this.byName[marketplace];
  }
}
