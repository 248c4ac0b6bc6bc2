import type { ConnectionStatus, MarketplaceConnection } from './connection.entity';

/**
 * What a connection's status means to its owner. `needs_configuration` is never stored: it is shown for an
 * active connection whose marketplace this server has no application credentials for, and goes away by itself
 * once the operator sets them (the reason names the missing settings).
 */
export type ConnectionViewStatus = ConnectionStatus | 'needs_configuration';

/** A connection as callers see it: never its credentials. */
export interface ConnectionView {
  connectionId: string;
  tenantId: string;
  marketplace: string;
  region: string;
  marketplaceIds: string[];
  accountId: string;
  displayName: string;
  status: ConnectionViewStatus;
  statusReason: string | null;
  /** When this connection's buyer data is due for destruction (it ended and was not re-authorised), else null. */
  buyerDataDueAt: string | null;
  /** When this connection's buyer data was destroyed after it ended, else null. */
  buyerDataDestroyedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toConnectionView = (
  c: MarketplaceConnection,
  needsConfiguration: string | null = null,
): ConnectionView => ({
  connectionId: c.connectionId,
  tenantId: c.tenantId,
  marketplace: c.marketplace,
  region: c.region,
  marketplaceIds: c.marketplaceIds,
  accountId: c.accountId,
  displayName: c.displayName,
  status: c.status === 'active' && needsConfiguration ? 'needs_configuration' : c.status,
  statusReason: c.status === 'active' && needsConfiguration ? needsConfiguration : c.statusReason,
  buyerDataDueAt: c.buyerDataDueAt?.toISOString() ?? null,
  buyerDataDestroyedAt: c.buyerDataDestroyedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});
