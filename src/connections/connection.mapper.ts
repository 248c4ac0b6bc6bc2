import type { MarketplaceConnection } from './connection.entity';

/** A connection as callers see it: never its credentials. */
export interface ConnectionView {
  connectionId: string;
  tenantId: string;
  marketplace: string;
  region: string;
  marketplaceIds: string[];
  accountId: string;
  displayName: string;
  status: string;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toConnectionView = (c: MarketplaceConnection): ConnectionView => ({
  connectionId: c.connectionId,
  tenantId: c.tenantId,
  marketplace: c.marketplace,
  region: c.region,
  marketplaceIds: c.marketplaceIds,
  accountId: c.accountId,
  displayName: c.displayName,
  status: c.status,
  statusReason: c.statusReason,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
