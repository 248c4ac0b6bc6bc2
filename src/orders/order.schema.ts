import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { BuyerPii } from '../marketplaces/canonical-order';
import type { MaskedOrderView, RevealedOrderView } from './order.mapper';
import type { OrderPage } from './orders.service';

const LineItemSchema = z.object({
  lineItemId: z.string(),
  sku: z.string().nullable(),
  marketplaceItemId: z.string().nullable().meta({ description: 'ASIN on Amazon, legacy item id on eBay' }),
  title: z.string().nullable(),
  quantity: z.number().int(),
  unitPrice: z.string().nullable().meta({ description: 'decimal string' }),
  currency: z.string().nullable(),
});

/** `MaskedOrderView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const MaskedOrderViewSchema = viewSchema<MaskedOrderView>()(
  'MaskedOrder',
  z
    .object({
      orderId: z.uuid(),
      marketplace: z.string(),
      marketplaceOrderId: z.string(),
      salesChannel: z.string().nullable(),
      status: z.string().meta({ description: 'pending, unshipped, partially_shipped, shipped, delivered, cancelled' }),
      rawStatus: z.string().meta({ description: 'the marketplace’s own status' }),
      purchasedAt: instant(),
      marketplaceUpdatedAt: instant(),
      shippedAt: instantOrNull(),
      deliveredAt: instantOrNull(),
      cancelledAt: instantOrNull(),
      latestDeliveryAt: instantOrNull(),
      fulfilmentChannel: z.string(),
      retentionAnchorAt: instant().meta({ description: 'what the buyer-data retention window is counted from' }),
      currency: z.string().nullable(),
      totalAmount: z.string().nullable().meta({ description: 'decimal string' }),
      lineItems: z.array(LineItemSchema),
      shipToCountry: z.string().nullable(),
      buyer: z
        .object({ pii: z.enum(['sealed', 'none', 'destroyed']) })
        .meta({ description: 'whether buyer data is held, never the data itself' }),
      piiDestroyedAt: instantOrNull(),
      version: z.number().int(),
      acknowledgement: z
        .object({ at: instant(), keyId: z.string(), version: z.number().int() })
        .nullable()
        .meta({ description: 'whether and when the seller’s system took the order' }),
      createdAt: instant(),
      updatedAt: instant(),
    })
    .meta({ description: 'an order without buyer data' }),
);

export const OrderPageSchema = viewSchema<OrderPage>()(
  'OrderPage',
  z.object({
    items: z.array(MaskedOrderViewSchema),
    nextCursor: z.string().optional().meta({ description: 'pass as `cursor` for the next page; absent on the last' }),
  }),
);

const PostalAddressSchema = z.object({
  name: z.string().nullable(),
  companyName: z.string().nullable(),
  lines: z.array(z.string()).readonly(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  region: z.string().nullable(),
  countryCode: z.string().nullable(),
  phone: z.string().nullable(),
});

/** The buyer's data as a reveal returns it (never logged, never in a masked view). */
export const BuyerPiiSchema = viewSchema<BuyerPii>()(
  'BuyerPii',
  z
    .object({
      buyerName: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      companyName: z.string().nullable(),
      shippingAddress: PostalAddressSchema.nullable(),
      taxIds: z
        .array(z.object({ type: z.string().nullable(), value: z.string(), issuingCountry: z.string().nullable() }))
        .readonly(),
      giftMessages: z.array(z.string()).readonly(),
      buyerMarketplaceId: z.string().nullable().meta({ description: 'the eBay username (Amazon has none)' }),
      notes: z.array(z.string()).readonly(),
    })
    .meta({ description: 'buyer data, opened for this answer only' }),
);

/** `RevealedOrderView`: the masked order with its buyer section opened. */
export const RevealedOrderViewSchema = viewSchema<RevealedOrderView>()(
  'RevealedOrder',
  MaskedOrderViewSchema.extend({
    buyer: z.object({ pii: z.literal('revealed'), data: BuyerPiiSchema }),
  }).meta({ description: 'an order with its buyer data (each reveal is an access-log entry)' }),
);
