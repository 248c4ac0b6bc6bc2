import type { CanonicalLineItem, FulfilmentChannel, OrderStatus } from '../marketplaces/canonical-order';
import { contentDigestBytes, type ContentDigest } from './content-digest';
import type { PiiState } from './order.entity';

/** What the ingest path needs to know about an order already stored. */
export interface StoredOrderState {
  readonly orderId: string;
  readonly marketplaceOrderId: string;
  readonly status: OrderStatus;
  readonly version: number;
  readonly piiState: PiiState;
  readonly piiCiphertext: Buffer | null;
  readonly contentDigest: ContentDigest;
  readonly emailIndex: Buffer | null;
  readonly buyerIndex: Buffer | null;
  readonly marketplaceUpdatedAt: Date;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly retentionAnchorAt: Date;
  /** Rectified buyer fields the marketplace's copy never replaces (see mergePii). */
  readonly piiOverrides: readonly string[];
}

/** A column of the orders table as ingestion writes it: its name, SQL type and how a value is sent. */
interface WriteColumn<T> {
  readonly column: string;
  readonly sqlType: string;
  readonly encode: (value: T) => unknown;
  /** Carries T for the row type below; never set. */
  readonly __value?: T;
}

const asIs = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
const col =
  <T>() =>
  (column: string, sqlType: string, encode: (value: T) => unknown = asIs): WriteColumn<T> => ({
    column,
    sqlType,
    encode,
  });

/**
 * The one declaration of what ingestion writes per order: the row type
 * (`OrderRowWrite`) and the bulk statements' columns are both derived from it,
 * and a unit test holds it against the entity, so a field cannot be added to
 * one of them and forgotten in another.
 */
export const ORDER_WRITE_COLUMNS = {
  orderId: col<string>()('order_id', 'uuid'),
  connectionId: col<string>()('connection_id', 'uuid'),
  marketplace: col<string>()('marketplace', 'text'),
  marketplaceOrderId: col<string>()('marketplace_order_id', 'text'),
  salesChannel: col<string | null>()('sales_channel', 'text'),
  status: col<OrderStatus>()('status', 'text'),
  rawStatus: col<string>()('raw_status', 'text'),
  purchasedAt: col<Date>()('purchased_at', 'timestamptz'),
  marketplaceUpdatedAt: col<Date>()('marketplace_updated_at', 'timestamptz'),
  shippedAt: col<Date | null>()('shipped_at', 'timestamptz'),
  deliveredAt: col<Date | null>()('delivered_at', 'timestamptz'),
  cancelledAt: col<Date | null>()('cancelled_at', 'timestamptz'),
  latestDeliveryAt: col<Date | null>()('latest_delivery_at', 'timestamptz'),
  fulfilmentChannel: col<FulfilmentChannel>()('fulfilment_channel', 'text'),
  retentionAnchorAt: col<Date>()('retention_anchor_at', 'timestamptz'),
  currency: col<string | null>()('currency', 'char(3)'),
  totalAmount: col<string | null>()('total_amount', 'numeric'),
  lineItems: col<readonly CanonicalLineItem[]>()('line_items', 'jsonb', (v) => JSON.stringify(v)),
  shipToCountry: col<string | null>()('ship_to_country', 'char(2)'),
  piiState: col<PiiState>()('pii_state', 'text'),
  piiCiphertext: col<Buffer | null>()('pii_ciphertext', 'bytea'),
  contentDigest: col<ContentDigest>()('content_hash', 'bytea', contentDigestBytes),
  emailIndex: col<Buffer | null>()('email_index', 'bytea'),
  buyerIndex: col<Buffer | null>()('buyer_index', 'bytea'),
  version: col<number>()('version', 'int'),
};

type ValueOf<C> = C extends WriteColumn<infer T> ? T : never;

/** One row to insert or overwrite (all clear columns plus the sealed blob), derived from the declaration above. */
export type OrderRowWrite = {
  readonly [K in keyof typeof ORDER_WRITE_COLUMNS]: ValueOf<(typeof ORDER_WRITE_COLUMNS)[K]>;
};

/** The declaration as a list: column name, SQL type, and the value to send for a row. */
export const ORDER_WRITE_LIST: ReadonlyArray<{
  readonly column: string;
  readonly sqlType: string;
  readonly valueOf: (r: OrderRowWrite) => unknown;
}> = (Object.keys(ORDER_WRITE_COLUMNS) as Array<keyof typeof ORDER_WRITE_COLUMNS>).map((field) => {
  const spec = ORDER_WRITE_COLUMNS[field] as WriteColumn<unknown>;
  return { column: spec.column, sqlType: spec.sqlType, valueOf: (r: OrderRowWrite) => spec.encode(r[field]) };
});
