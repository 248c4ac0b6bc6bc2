import { ALL_TENANTS, AuditVerifier } from '../../src/audit';
import { entries, HOUR, startDsrWorld, type DsrWorld } from './dsr-fixture';

interface Pii {
  buyerName: string | null;
  email: string | null;
  phone: string | null;
  shippingAddress: { name: string | null; city: string | null; phone: string | null; lines: string[] } | null;
}

/**
 * Rectification: corrected buyer fields sealed again, blind index moved to the
 * corrected e-mail, `order.updated` queued, `pii.rectified` logged; a later
 * update of the same order served by eBay (real client, simulator) keeps the
 * correction while the fields not corrected follow the marketplace.
 */
describe('data-subject request: rectify', () => {
  let w: DsrWorld;
  let orderMarketplaceId: string;
  let orderId: string;
  const CORRECT_EMAIL = 'corrected.ovsim@example.org';
  const CORRECT_NAME = 'Corrected Ovsimname';
  const CORRECT_CITY = 'Correctedburg Ovsim';
  beforeAll(async () => {
    w = await startDsrWorld('Rectify');
    orderMarketplaceId = w.m.ebay.addOrder(w.tenant.ebaySeller.sellerId, {
      createdAt: w.m.clock.nowMs() - HOUR,
      buyerIndex: 921,
    }).orderId;
    await w.sync();
    [{ order_id: orderId }] = await w.sql<{ order_id: string }>(
      `SELECT order_id FROM orders WHERE tenant_id = $1 AND marketplace_order_id = $2`,
      [w.tenantId, orderMarketplaceId],
    );
  });
  afterAll(() => w.close());

  const reveal = async (): Promise<Pii> =>
    (
      await w.t
        .http()
        .post(`/v1/orders/${orderId}/reveal`)
        .set(w.owner)
        .set('X-Access-Reason', 'checking the correction')
        .expect(200)
    ).body.buyer.data;
  const row = () =>
    w
      .sql<{ version: number; pii_overrides: string[] }>(
        `SELECT version, pii_overrides FROM orders WHERE order_id = $1`,
        [orderId],
      )
      .then((r) => r[0]);
  const rectify = (subject: object, corrections: object) =>
    w.t.http().post('/v1/data-subject-requests').set(w.owner).send({ type: 'rectify', subject, corrections });

  it('corrects the named fields, seals them again and queues order.updated', async () => {
    const buyer = w.m.ebay.buyerOf(orderMarketplaceId);
    const before = await row();
    const res = await rectify(
      { email: buyer.email },
      { email: CORRECT_EMAIL, buyerName: CORRECT_NAME, shippingAddress: { city: CORRECT_CITY } },
    ).expect(201);
    expect(res.body).toMatchObject({
      type: 'rectify',
      status: 'completed',
      counts: { ordersFound: 1, rectified: 1 },
      correctedFields: ['buyerName', 'email', 'shippingAddress.city'],
      orderIds: [orderId],
    });
    expect(JSON.stringify(res.body)).not.toContain(CORRECT_EMAIL);
    const after = await row();
    expect(after.version).toBe(before.version + 1);
    expect(after.pii_overrides).toEqual(['buyerName', 'email', 'shippingAddress.city']);

    const pii = await reveal();
    expect(pii).toMatchObject({ email: CORRECT_EMAIL, buyerName: CORRECT_NAME, phone: buyer.phone });
    expect(pii.shippingAddress).toMatchObject({ city: CORRECT_CITY, lines: [buyer.addressLine1] });

    const events = await w.sql<{ type: string; order_version: number; payload: Record<string, unknown> }>(
      `SELECT type, order_version, payload FROM outbox_events WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
    expect(events.at(-1)).toMatchObject({
      type: 'order.updated',
      order_version: after.version,
      payload: { buyerDataRectified: true },
    });
    expect(JSON.stringify(events)).not.toMatch(/Ovsim/);

    const log = await entries(w, ['dsr.requested', 'pii.rectified']);
    expect(log.map((e) => [e.action, e.dsr_id])).toEqual([
      ['dsr.requested', res.body.id],
      ['pii.rectified', res.body.id],
    ]);
    expect(log[1].order_ids).toEqual([orderId]);
    expect(log[1].reason).toContain('fields buyerName, email, shippingAddress.city');
    expect(log.map((e) => e.reason).join()).not.toMatch(/Ovsim/);
  });

  it('the blind index follows the correction: the old e-mail finds nothing, the corrected one finds the order', async () => {
    const old = w.m.ebay.buyerOf(orderMarketplaceId).email;
    const byOld = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'access', subject: { email: old } })
      .expect(201);
    expect(byOld.body.counts.ordersFound).toBe(0);
    const byNew = await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'access', subject: { email: CORRECT_EMAIL } })
      .expect(201);
    expect(byNew.body.orderIds).toEqual([orderId]);
  });

  it('a later eBay update of the order keeps the correction; fields not corrected follow the marketplace', async () => {
    const before = await row();
    const newPhone = '+49 555 0199';
    w.m.ebay.updateOrder(orderMarketplaceId, (o) => {
      const shipTo = o.fulfillmentStartInstructions[0].shippingStep!.shipTo!;
      shipTo.primaryPhone = { phoneNumber: newPhone };
    });
    w.m.ebay.ship(orderMarketplaceId);
    await w.sync();
    const after = await row();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.pii_overrides).toEqual(['buyerName', 'email', 'shippingAddress.city']);
    const pii = await reveal();
    expect(pii).toMatchObject({ email: CORRECT_EMAIL, buyerName: CORRECT_NAME });
    expect(pii.shippingAddress).toMatchObject({ city: CORRECT_CITY, phone: newPhone });
    // A sync serving the same data again changes nothing more.
    const settled = await row();
    await w.sync();
    expect((await row()).version).toBe(settled.version);
  });

  it('rectify needs corrections; other types refuse them; bad values are 400s naming the field', async () => {
    const subject = { email: CORRECT_EMAIL };
    await rectify(subject, {}).expect(400);
    await w.t.http().post('/v1/data-subject-requests').set(w.owner).send({ type: 'rectify', subject }).expect(400);
    await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject, corrections: { email: CORRECT_EMAIL } })
      .expect(400);
    const bad = await rectify(subject, { email: 'not-an-address', shippingAddress: { countryCode: 'de' } }).expect(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('corrections.email');
    expect(JSON.stringify(bad.body.error.details)).toContain('corrections.shippingAddress.countryCode');
    expect(JSON.stringify(bad.body)).not.toContain('not-an-address');
    expect((await row()).pii_overrides).toEqual(['buyerName', 'email', 'shippingAddress.city']);
  });

  it('erasing the order clears its overrides with its buyer data', async () => {
    await w.t
      .http()
      .post('/v1/data-subject-requests')
      .set(w.owner)
      .send({ type: 'erase', subject: { email: CORRECT_EMAIL } })
      .expect(201);
    expect((await row()).pii_overrides).toEqual([]);
    expect((await w.sql(`SELECT pii_state FROM orders WHERE order_id = $1`, [orderId]))[0]).toEqual({
      pii_state: 'destroyed',
    });
  });

  it('the access log verifies', async () => {
    expect((await w.t.app.get(AuditVerifier).verify(ALL_TENANTS)).ok).toBe(true);
  });
});
