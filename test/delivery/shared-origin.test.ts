import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { OrderIngestService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startTestApp, type TestApp } from '../support/test-app';
import { Receiver, waitFor } from './support/receiver';

/**
 * Sellers' endpoints often share one receiver origin (an integration platform's host). One seller's endpoint that
 * hangs there holds its own concurrency cap's worth of connections and nothing more: another seller's endpoint on
 * the same origin is delivered to meanwhile.
 */
describe('forwarding orders: endpoints sharing a receiver origin', () => {
  const CAP = 2;
  let t: TestApp;
  let receiver: Receiver;
  let nextIndex = 7000;

  const ingest = (tenantId: string, n: number) =>
    t.app.get(TransactionManager).run((tx) =>
      t.app.get(OrderIngestService).ingestPage(
        tx,
        { tenantId, connectionId: '5b0c8a3e-1f0e-4c55-9d0e-2a8f3c1d7e03' },
        Array.from({ length: n }, () => canonicalOrder(nextIndex++)),
      ),
    );

  const seller = async (name: string, path: string) => {
    const tenantId = await t.tenant(name);
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    await t
      .http()
      .post('/v1/endpoints')
      .set(owner)
      .send({ url: receiver.url.replace('/hook', `/${path}`) })
      .expect(201);
    return tenantId;
  };

  beforeAll(async () => {
    receiver = await Receiver.start();
    t = await startTestApp({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        DELIVERY_CONCURRENCY_PER_ENDPOINT: String(CAP),
        // Far longer than the quick deliveries need, and shorter than the test's own limit: deliveries that could
        // only go once the hanging requests gave up are seen to have waited for that.
        WEBHOOK_TIMEOUT_MS: '30000',
      },
      clock: new ManualClock(Date.now()),
    });
  });
  afterAll(() => t.close());

  it('delivers to one seller’s endpoint while another’s on the same origin hangs at its cap', async () => {
    const hanging = await seller('Hanging receiver', 'hanging');
    const quick = await seller('Quick receiver', 'quick');
    receiver.answer = (r) => (r.path === '/hanging' ? 'hang' : { status: 200, body: 'ok' });
    const dispatcher = t.app.get(Dispatcher);
    const fanOut = t.app.get(FanOutService);

    // Exactly the cap's worth: the first claim takes them all, so the second pass below can only claim the quick
    // seller's deliveries.
    await ingest(hanging, CAP);
    await fanOut.fanOutAll();
    const stuck = dispatcher.dispatchAllDue();
    try {
      await waitFor(() => receiver.received.filter((r) => r.path === '/hanging').length === CAP, 'the cap on the wire');

      await ingest(quick, 3);
      await fanOut.fanOutAll();
      const summary = await dispatcher.dispatchAllDue();
      expect(summary).toMatchObject({ claimed: 3, succeeded: 3, retrying: 0 });
      expect(receiver.received.filter((r) => r.path === '/quick')).toHaveLength(3);
      // Delivered while the hanging seller's requests were still on the wire, not after they gave up.
      expect(receiver.hangingOpen).toBe(CAP);
    } finally {
      // The receiver drops the hanging requests, so the first pass ends before the app closes.
      await receiver.close();
      await stuck;
    }
  });
});
