import { OPERATIONAL_EVENT_TYPES, PING_EVENT_TYPE, SUBSCRIBABLE_EVENT_TYPES } from '../event-types';
import { FEED_EVENT_TYPES } from '../feed/event-feed.service';
import { EVENT_SCHEMA_VERSION } from '../feed/thin-event';
import { PAYLOAD_MODES, type PayloadMode } from '../payload-modes';
import {
  arrayOf,
  constant,
  dateTime,
  integer,
  nullable,
  object,
  oneOfValues,
  string,
  uuid,
  type JsonSchema,
} from './json-schema';
import { exampleEvent } from './examples';

/**
 * The event catalog: every event type a receiver can get, by webhook or from the pull
 * feed, with a JSON Schema and an example for each payload mode. It is the contract: the
 * thin events the feed serves are checked against it by test, and so are the order views
 * the mappers produce (masked, revealed) in the full and sealed shapes.
 */
export type EventChannel = 'webhook' | 'feed';
export type EventCategory = 'order' | 'operational' | 'test';

export interface CatalogPayload {
  readonly schema: JsonSchema;
  readonly example: Record<string, unknown>;
}

export interface CatalogEntry {
  readonly type: string;
  readonly category: EventCategory;
  readonly description: string;
  /** Where the type is delivered: webhooks (when an endpoint's filter matches) and/or the pull feed. */
  readonly channels: EventChannel[];
  /** One payload per mode; events that carry no order data have the same payload in every mode. */
  readonly payloads: Record<PayloadMode, CatalogPayload>;
}

export interface EventCatalog {
  readonly schemaVersion: number;
  readonly payloadModes: readonly PayloadMode[];
  readonly eventTypes: CatalogEntry[];
}

const STATUSES = ['pending', 'unshipped', 'partially_shipped', 'shipped', 'delivered', 'cancelled'];

const lineItem = object({
  lineItemId: string(),
  sku: nullable(string()),
  marketplaceItemId: nullable(string('ASIN on Amazon, legacy item id on eBay')),
  title: nullable(string()),
  quantity: integer(0),
  unitPrice: nullable(string('decimal string')),
  currency: nullable(string('ISO 4217')),
});

const postalAddress = object({
  name: nullable(string()),
  companyName: nullable(string()),
  lines: arrayOf(string()),
  postalCode: nullable(string()),
  city: nullable(string()),
  region: nullable(string()),
  countryCode: nullable(string('ISO 3166-1 alpha-2')),
  phone: nullable(string()),
});

/** The buyer's personal data, as a reveal returns it and a full payload carries it. */
const buyerData = object(
  {
    buyerName: nullable(string()),
    email: nullable(string()),
    phone: nullable(string()),
    companyName: nullable(string()),
    shippingAddress: nullable(postalAddress),
    taxIds: arrayOf(object({ type: nullable(string()), value: string(), issuingCountry: nullable(string()) })),
    giftMessages: arrayOf(string()),
    buyerMarketplaceId: nullable(string('eBay username; Amazon has none')),
    notes: arrayOf(string('free text the buyer wrote at checkout')),
  },
  'every field may be empty: marketplaces withhold buyer data by role and age',
);

/** No buyer data to carry: never received, or destroyed at the end of its retention window. */
const noBuyer = object({ pii: oneOfValues(['none', 'destroyed']) });

const buyerFor: Record<PayloadMode, JsonSchema | null> = {
  thin: null,
  full: { oneOf: [object({ pii: constant('revealed'), data: buyerData }), noBuyer] },
  sealed: {
    oneOf: [
      object({
        pii: constant('sealed'),
        sealedBuyer: {
          type: 'string',
          contentEncoding: 'base64',
          description:
            "the buyer data object (as `data` of the full mode, JSON) sealed with crypto_box_seal to the endpoint's X25519 public key",
        },
      }),
      noBuyer,
    ],
  },
};

/** The order as the mappers produce it (the masked view's fields), with the mode's buyer block. */
function orderView(buyer: JsonSchema): JsonSchema {
  return object(
    {
      orderId: uuid,
      marketplace: oneOfValues(['amazon', 'ebay']),
      marketplaceOrderId: string(),
      salesChannel: nullable(string()),
      status: oneOfValues(STATUSES),
      rawStatus: string('the marketplace status as sent'),
      purchasedAt: dateTime,
      marketplaceUpdatedAt: dateTime,
      shippedAt: nullable(dateTime),
      deliveredAt: nullable(dateTime),
      cancelledAt: nullable(dateTime),
      latestDeliveryAt: nullable(dateTime),
      fulfilmentChannel: oneOfValues(['merchant', 'marketplace']),
      retentionAnchorAt: dateTime,
      currency: nullable(string()),
      totalAmount: nullable(string('decimal string')),
      lineItems: arrayOf(lineItem),
      shipToCountry: nullable(string()),
      buyer,
      piiDestroyedAt: nullable(dateTime),
      version: integer(1),
      acknowledgement: nullable(object({ at: dateTime, keyId: string(), version: integer(1) })),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
    'the order as it is when the event is sent, not as it was when it happened',
  );
}

const thinData = {
  orderId: uuid,
  marketplace: oneOfValues(['amazon', 'ebay']),
  marketplaceOrderId: string(),
  status: oneOfValues(STATUSES),
  version: integer(1),
  link: string('path of the order in this API (masked; reveal buyer data through the audited reveal routes)'),
};

function envelope(type: string, data: JsonSchema): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...object({
      schemaVersion: constant(EVENT_SCHEMA_VERSION),
      id: { ...uuid, description: 'the event id: also the webhook-id header, stable across retries' },
      type: constant(type),
      timestamp: dateTime,
      data,
    }),
  };
}

function orderPayload(type: string, mode: PayloadMode): CatalogPayload {
  const buyer = buyerFor[mode];
  const data = buyer ? object({ ...thinData, order: orderView(buyer) }) : object(thinData);
  return { schema: envelope(type, data), example: exampleEvent(type, mode) };
}

const ORDER_DESCRIPTIONS: Record<string, string> = {
  'order.created': 'an order was seen for the first time',
  'order.updated': 'an order changed (status, shipping, items, buyer data): a new version',
  'order.cancelled': 'an order was cancelled (a new version)',
  'order.pii_destroyed':
    "an order's buyer data was destroyed at the end of its retention window (a new version); delete any copy",
};

const failing = object({
  endpointId: uuid,
  url: string(),
  failingSince: dateTime,
  disableAt: { ...dateTime, description: 'when the endpoint is disabled if every attempt keeps failing' },
  windowUsedPercent: { type: 'integer', enum: [50, 90] },
});
const disabled = object({
  endpointId: uuid,
  url: string(),
  failingSince: nullable(dateTime),
  disabledAt: dateTime,
  reason: oneOfValues(['failing_for_5_days', 'gone_410']),
});
const ping = object({ endpointId: uuid, message: string() });

const OTHER: Record<string, { category: EventCategory; description: string; data: JsonSchema; example: object }> = {
  [PING_EVENT_TYPE]: {
    category: 'test',
    description: 'sent on demand to one endpoint (POST /v1/endpoints/:id/test) through the real pipeline',
    data: ping,
    example: { endpointId: '5b0a4f6e-3d0c-4a8e-9f61-2f1f7c2b9a10', message: 'ping from ordervault' },
  },
  'endpoint.failing': {
    category: 'operational',
    description: "one of the tenant's endpoints has failed continuously for 50 % or 90 % of the 5-day window",
    data: failing,
    example: {
      endpointId: '5b0a4f6e-3d0c-4a8e-9f61-2f1f7c2b9a10',
      url: 'https://erp.example.com/hooks/ordervault',
      failingSince: '2026-11-01T08:00:00.000Z',
      disableAt: '2026-11-06T08:00:00.000Z',
      windowUsedPercent: 50,
    },
  },
  'endpoint.disabled': {
    category: 'operational',
    description: "one of the tenant's endpoints was disabled (5 days failing, or it answered 410 Gone)",
    data: disabled,
    example: {
      endpointId: '5b0a4f6e-3d0c-4a8e-9f61-2f1f7c2b9a10',
      url: 'https://erp.example.com/hooks/ordervault',
      failingSince: '2026-11-01T08:00:00.000Z',
      disabledAt: '2026-11-06T08:00:00.000Z',
      reason: 'failing_for_5_days',
    },
  },
};

function channelsOf(type: string): EventChannel[] {
  const channels: EventChannel[] = [];
  if (SUBSCRIBABLE_EVENT_TYPES.includes(type) || type === PING_EVENT_TYPE) channels.push('webhook');
  if (FEED_EVENT_TYPES.includes(type)) channels.push('feed');
  return channels;
}

function build(): EventCatalog {
  const orderTypes = [...new Set([...SUBSCRIBABLE_EVENT_TYPES, ...FEED_EVENT_TYPES])].filter(
    (t) => !(OPERATIONAL_EVENT_TYPES as readonly string[]).includes(t),
  );
  const entries: CatalogEntry[] = orderTypes.map((type) => ({
    type,
    category: 'order',
    description: ORDER_DESCRIPTIONS[type] ?? type,
    channels: channelsOf(type),
    payloads: Object.fromEntries(PAYLOAD_MODES.map((m) => [m, orderPayload(type, m)])) as Record<
      PayloadMode,
      CatalogPayload
    >,
  }));
  for (const [type, o] of Object.entries(OTHER)) {
    const payload: CatalogPayload = {
      schema: envelope(type, o.data),
      example: {
        schemaVersion: EVENT_SCHEMA_VERSION,
        id: '0f8e2a59-7c1d-4a52-8b3e-6d4c2f1a9e07',
        type,
        timestamp: '2026-11-02T10:00:00.000Z',
        data: o.example,
      },
    };
    entries.push({
      type,
      category: o.category,
      description: o.description,
      channels: channelsOf(type),
      payloads: { thin: payload, full: payload, sealed: payload },
    });
  }
  return { schemaVersion: EVENT_SCHEMA_VERSION, payloadModes: PAYLOAD_MODES, eventTypes: entries };
}

/** Built once: it only depends on code. */
export const EVENT_CATALOG: EventCatalog = build();
