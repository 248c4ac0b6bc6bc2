import type { CanonicalOrder, MarketplaceName } from './canonical-order';

/** Secrets a connection holds (opened from their sealed form only for the call). */
export interface ConnectionCredentials {
  readonly refreshToken: string;
  /** Per-seller developer app (optional; defaults to the service's own app from config). */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** eBay: the scopes the seller consented to (refreshes must not ask for more). */
  readonly scopes?: readonly string[];
}

export interface ConnectorContext {
  readonly tenantId: string;
  readonly connectionId: string;
  /** Amazon region (na/eu/fe) or eBay marketplace id (EBAY_DE...). */
  readonly region: string;
  readonly accountId: string;
  readonly marketplaceIds: readonly string[];
  readonly credentials: ConnectionCredentials;
}

export interface SyncWindow {
  readonly from: Date;
  readonly to: Date;
}

/** An order in a page we could not turn into a CanonicalOrder. Raw stays in memory until sealed. */
export interface RejectedOrder {
  /** Null when the payload did not even carry a usable id. */
  readonly marketplaceOrderId: string | null;
  readonly reasonCode: string;
  /** Which field failed and how; never the field's value. */
  readonly reasonDetail: string;
  readonly raw: unknown;
}

export const isRejected = (x: CanonicalOrder | RejectedOrder): x is RejectedOrder => 'reasonCode' in x;

export interface FetchedPage {
  readonly orders: CanonicalOrder[];
  readonly rejected: RejectedOrder[];
  /** Opaque position of the next page in this window, or null when the window is complete. */
  readonly nextPosition: string | null;
  /** Rate the marketplace reported for the operation (requests/second), when it did. */
  readonly reportedRate?: number;
}

export interface UsagePlan {
  readonly rate: number;
  readonly burst: number;
}

/**
 * One marketplace, behind the real client library. Produces canonical orders;
 * knows nothing of storage. Throws MarketplaceError for every failure.
 */
export interface MarketplaceConnector {
  readonly marketplace: MarketplaceName;
  /** The name of the rate-limited operation a page fetch uses. */
  readonly pageOperation: string;
  /** The name of the rate-limited operation `fetchOrder` uses (its own usage plan and budget). */
  readonly orderOperation: string;
  /** Published default usage plans per operation (seed for the shared rate budget). */
  usagePlan(operation: string): UsagePlan;
  /** The latest instant a window may end at (Amazon: at least two minutes before now). */
  maxWindowEnd(now: Date): Date;
  fetchPage(ctx: ConnectorContext, window: SyncWindow, position: string | null): Promise<FetchedPage>;
  /** Refreshes one order (cancellation detail, tax ids). */
  fetchOrder(ctx: ConnectorContext, marketplaceOrderId: string): Promise<CanonicalOrder>;
  /** Drops any cached client/token state of a connection (after re-consent or revocation). */
  forget(connectionId: string): void;
}

/** Tells the owner of the credentials that the marketplace issued new tokens worth keeping. */
export interface CredentialsListener {
  credentialsRefreshed(ctx: ConnectorContext, credentials: ConnectionCredentials): Promise<void>;
}
