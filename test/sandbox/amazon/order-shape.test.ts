import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedBuyer } from '../../../src/sandbox/buyers';
import type { SimOrder } from '../../../src/sandbox/amazon';
import { getOrder, searchOrders, startHarness, type Harness, US } from './support';

const FIXTURES = join(__dirname, '../../fixtures/amazon');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const ALL = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES', 'CANCELLATION'];
const JP = 'A1VC38T7YXB528';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: string[];
  description?: string;
}

const model = fixture('orders_2026-01-01.model.json') as { definitions: Record<string, Schema> };

/** Enum values of a property: the `enum`, or the "**Possible values**" list the model keeps in descriptions. */
function allowedValues(schema: Schema): string[] | undefined {
  if (schema.enum) return schema.enum;
  const listed = /\*\*Possible values?\*\*:?([\s\S]*)/.exec(schema.description ?? '');
  return listed ? [...listed[1].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]) : undefined;
}

/** A strict structural check against the official model: unknown keys, required keys, types, enums, formats. */
function validate(value: unknown, schema: Schema, path: string, errors: string[], inherited?: string[]): void {
  if (schema.$ref) {
    const target = model.definitions[schema.$ref.replace('#/definitions/', '')];
    return validate(
      value,
      { ...target, description: schema.description ?? target.description },
      path,
      errors,
      inherited,
    );
  }
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return void errors.push(`${path}: not an object`);
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}.${key}: required`);
      for (const [key, v] of Object.entries(record)) {
        const prop = schema.properties?.[key];
        if (!prop) errors.push(`${path}.${key}: not in the model`);
        else validate(v, prop, `${path}.${key}`, errors);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return void errors.push(`${path}: not an array`);
      value.forEach((v, i) => validate(v, schema.items ?? {}, `${path}[${i}]`, errors, allowedValues(schema)));
      return;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${path}: not an integer`);
      return;
    case 'number':
      if (typeof value !== 'number') errors.push(`${path}: not a number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: not a boolean`);
      return;
    case 'string': {
      if (typeof value !== 'string') return void errors.push(`${path}: not a string`);
      const allowed = allowedValues(schema) ?? inherited;
      if (allowed && !allowed.includes(value)) errors.push(`${path}: '${value}' not in ${allowed.join('|')}`);
      if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) {
        errors.push(`${path}: '${value}' is not a date-time`);
      }
      if (path.endsWith('.amount') && !/^-?\d+(\.\d+)?$/.test(value))
        errors.push(`${path}: '${value}' is not a Decimal`);
      return;
    }
  }
}

function violations(value: unknown, definition: string): string[] {
  const errors: string[] = [];
  validate(value, { $ref: `#/definitions/${definition}` }, definition, errors);
  return errors;
}

/** Key paths of a JSON value, arrays collapsed to `[]`. */
function keyPaths(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const v of value) for (const p of keyPaths(v, `${prefix}[]`)) out.add(p);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      for (const p of keyPaths(v, path)) out.add(p);
    }
  }
  return out;
}

describe('Amazon simulator: order shape against the official model and examples', () => {
  let h: Harness;
  let sellerId: string;
  let refreshToken: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ sellingPartnerId: sellerId, refreshToken } = h.sim.addSeller({ marketplaceIds: [US] }));
  });
  afterAll(async () => {
    await h.close();
  });

  /** A shipped FBM business order with a gift, a second address line and a seller alias: every section filled. */
  function richOrder(): SimOrder {
    const candidates = h.sim.addOrders(sellerId, 400, { fulfilledBy: 'MERCHANT', createdAt: '2026-03-01T00:00:00Z' });
    const order = candidates.find((o) => o.buyer.companyName && o.buyer.giftMessage && o.buyer.addressLine2);
    if (!order) throw new Error('seed yields no business gift order with two address lines');
    h.sim.updateOrder(order.orderId, (o) => {
      o.sellerOrderId ??= 'SO-12345678';
      o.items[0].shipping ||= 499;
    });
    return h.sim.ship(order.orderId);
  }

  it('emits only fields, types and enum values that the model defines', async () => {
    const sp = h.client(refreshToken);
    const rich = richOrder();
    h.sim.addOrder(sellerId, { fulfilledBy: 'AMAZON', status: 'SHIPPED', createdAt: '2026-02-10T00:00:00Z' });
    h.sim.addOrder(sellerId, {
      fulfilledBy: 'MERCHANT',
      status: 'PARTIALLY_SHIPPED',
      createdAt: '2026-02-10T00:00:00Z',
    });
    h.sim.addOrder(sellerId, { status: 'PENDING_AVAILABILITY', createdAt: '2026-02-10T00:00:00Z' });
    h.sim.addOrder(sellerId, { status: 'UNFULFILLABLE', createdAt: '2026-02-10T00:00:00Z' });
    const cancelled = h.sim.addOrder(sellerId, { fulfilledBy: 'MERCHANT', createdAt: '2026-02-10T00:00:00Z' });
    h.sim.cancel(cancelled.orderId);
    const page = await searchOrders(sp, {
      createdAfter: '2026-02-01T00:00:00Z',
      fulfillmentStatuses: ['SHIPPED', 'PARTIALLY_SHIPPED', 'PENDING_AVAILABILITY', 'UNFULFILLABLE', 'CANCELLED'],
      includedData: ALL,
    });
    expect(page.orders.map((o) => o.fulfillment?.fulfillmentStatus).sort()).toEqual([
      'CANCELLED',
      'PARTIALLY_SHIPPED',
      'PENDING_AVAILABILITY',
      'SHIPPED',
      'SHIPPED',
      'UNFULFILLABLE',
    ]);
    expect(violations(page, 'SearchOrdersResponse')).toEqual([]);
    expect(violations(await getOrder(sp, rich.orderId, ALL), 'GetOrderResponse')).toEqual([]);

    const mcf = page.orders.find((o) => o.fulfillment?.fulfillmentStatus === 'UNFULFILLABLE');
    expect(mcf?.salesChannel.channelName).toBe('NON_AMAZON');
    expect(mcf?.fulfillment?.fulfilledBy).toBe('AMAZON');
    const partial = page.orders.find((o) => o.fulfillment?.fulfillmentStatus === 'PARTIALLY_SHIPPED');
    const fulfilled = partial?.orderItems.map((i) => i.fulfillment?.quantityUnfulfilled === 0);
    expect(fulfilled?.[0]).toBe(true);
    expect(fulfilled?.slice(1).every((f) => !f)).toBe(true);
  });

  it('uses a checker that does reject what the model forbids', () => {
    const bad = {
      order: {
        createdTime: '2026-03-01T10:00:00.123Z',
        lastUpdatedTime: '2026-03-01T10:00:00Z',
        salesChannel: { channelName: 'AMAZON' },
        fulfillment: { fulfillmentStatus: 'Shipped' },
        proceeds: { grandTotal: { amount: 12.5, currencyCode: 'USD' } },
        orderItems: [{ orderItemId: '1', quantityOrdered: 1.5, product: {}, giftMessage: 'x' }],
      },
    };
    expect(violations(bad, 'GetOrderResponse')).toEqual([
      'GetOrderResponse.order.orderId: required',
      "GetOrderResponse.order.createdTime: '2026-03-01T10:00:00.123Z' is not a date-time",
      "GetOrderResponse.order.fulfillment.fulfillmentStatus: 'Shipped' not in PENDING_AVAILABILITY|PENDING|UNSHIPPED|PARTIALLY_SHIPPED|SHIPPED|CANCELLED|UNFULFILLABLE",
      'GetOrderResponse.order.proceeds.grandTotal.amount: not a string',
      'GetOrderResponse.order.orderItems[0].quantityOrdered: not an integer',
      'GetOrderResponse.order.orderItems[0].giftMessage: not in the model',
    ]);
  });

  it('renders whole-yen amounts for JPY', async () => {
    const jpSeller = h.sim.addSeller({ marketplaceIds: [JP] });
    const order = h.sim.addOrder(jpSeller.sellingPartnerId, { createdAt: '2026-02-01T00:00:00Z' });
    const wire = (await getOrder(h.client(jpSeller.refreshToken, { region: 'fe' }), order.orderId, ['PROCEEDS'])).order;
    expect(wire.orderId).toMatch(/^(249|250|503)-\d{7}-\d{7}$/);
    expect(wire.proceeds?.grandTotal).toMatchObject({ currencyCode: 'JPY', amount: expect.stringMatching(/^\d+$/) });
    expect(violations({ order: wire }, 'GetOrderResponse')).toEqual([]);
  });

  it('has the key structure of the official getOrder example for the sections it fills', async () => {
    const sp = h.client(refreshToken);
    const rich = richOrder();
    const wire = (await getOrder(sp, rich.orderId, ALL)).order;
    const buyer = simulatedBuyer('amazon-sim-tests', rich.buyerIndex);
    expect(wire.buyer).toEqual({
      buyerName: buyer.fullName,
      buyerEmail: buyer.email,
      buyerCompanyName: buyer.companyName,
      buyerPurchaseOrderNumber: rich.purchaseOrderNumber,
    });
    expect(wire.orderItems[0].fulfillment?.packing?.giftOption?.giftMessage).toBe(buyer.giftMessage);

    const example = (fixture('orders2026.getOrder.200.example.json') as { order: unknown }).order;
    const searchExample = (fixture('orders2026.searchOrders.200.example.json') as { orders: unknown[] }).orders[0];
    const official = new Set([...keyPaths(example), ...keyPaths(searchExample)]);
    const ours = keyPaths(wire);
    expect([...ours].filter((p) => !official.has(p))).toEqual([]);
    // What the official examples show and the simulator does not produce (no data behind it in the scenario).
    expect([...keyPaths(example)].filter((p) => !ours.has(p)).sort()).toEqual(
      [
        'fulfillmentOrders',
        'fulfillmentOrders[].fulfillmentOrderId',
        'orderItems[].fulfillment.shipping',
        'orderItems[].fulfillment.shipping.internationalShipping',
        'orderItems[].fulfillment.shipping.internationalShipping.iossNumber',
        'orderItems[].fulfillment.shipping.scheduledDeliveryWindow',
        'orderItems[].fulfillment.shipping.scheduledDeliveryWindow.earliestDateTime',
        'orderItems[].fulfillment.shipping.scheduledDeliveryWindow.latestDateTime',
        'orderItems[].fulfillment.shipping.shippingConstraints',
        'orderItems[].fulfillment.shipping.shippingConstraints.recipientIdentityVerification',
        'orderItems[].fulfillment.shipping.shippingConstraints.signatureConfirmation',
        'orderItems[].proceeds.breakdowns[].detailedBreakdowns',
        'orderItems[].proceeds.breakdowns[].detailedBreakdowns[].subtype',
        'orderItems[].proceeds.breakdowns[].detailedBreakdowns[].value',
        'orderItems[].proceeds.breakdowns[].detailedBreakdowns[].value.amount',
        'orderItems[].proceeds.breakdowns[].detailedBreakdowns[].value.currencyCode',
        'orderItems[].product.condition.conditionNote',
        'orderItems[].product.customization',
        'orderItems[].product.customization.customizedUrl',
        'orderItems[].product.price.priceDesignation',
        'orderItems[].product.serialNumbers',
        'orderItems[].programs',
        'orderItems[].promotion',
        'orderItems[].promotion.breakdowns',
        'orderItems[].promotion.breakdowns[].promotionId',
        'packages[].shipFromAddress',
        'packages[].shipFromAddress.addressLine1',
        'packages[].shipFromAddress.addressLine2',
        'packages[].shipFromAddress.addressLine3',
        'packages[].shipFromAddress.city',
        'packages[].shipFromAddress.countryCode',
        'packages[].shipFromAddress.districtOrCounty',
        'packages[].shipFromAddress.municipality',
        'packages[].shipFromAddress.name',
        'packages[].shipFromAddress.postalCode',
        'packages[].shipFromAddress.stateOrRegion',
        'packages[].packageItems[].transparencyCodes',
        'recipient.deliveryAddress.addressLine3',
        'recipient.deliveryAddress.districtOrCounty',
        'recipient.deliveryAddress.municipality',
      ].sort(),
    );
  });

  it('answers with the error shape of the sandbox 400 example', async () => {
    const example = fixture('orders2026.searchOrders.400.sandbox.json') as { errors: Array<Record<string, string>> };
    const err = (await searchOrders(h.client(refreshToken), {}).catch((e: unknown) => e)) as Record<string, unknown>;
    expect(Object.keys(example.errors[0])).toEqual(['code', 'message', 'details']);
    expect({ code: err.code, message: err.message }).toEqual({
      code: example.errors[0].code,
      message: example.errors[0].message,
    });
  });
});
