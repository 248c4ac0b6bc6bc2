import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../src/config';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { FanOutService } from '../../src/delivery/dispatch/fan-out.service';
import { WebhookClient } from '../../src/delivery/dispatch/webhook-client';
import { WebhookTargetGuard } from '../../src/delivery/outbound/target-guard';
import { ManualClock } from '../../src/platform/clock/clock';
import { seedOrders } from '../support/order-factory';
import { startTestApp, type TestApp } from '../support/test-app';
import { replicaDispatcher } from './support/replica-dispatcher';

const CAP = 3;

/** A receiver that answers each request after `holdMs` and counts how many were open at once. */
class CountingReceiver {
  readonly ids: string[] = [];
  open = 0;
  mostOpen = 0;
  private constructor(private readonly server: http.Server) {}

  static async start(holdMs: number): Promise<CountingReceiver> {
    const r: CountingReceiver = new CountingReceiver(
      http.createServer((req, res) => {
        r.open++;
        r.mostOpen = Math.max(r.mostOpen, r.open);
        res.on('finish', () => r.open--);
        r.ids.push(String(req.headers['webhook-id']));
        req.resume();
        req.on('end', () => setTimeout(() => res.writeHead(204).end(), holdMs));
      }),
    );
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The per-endpoint concurrency cap is counted at the receiver: a dispatcher leases up to twice the cap of an
 * endpoint's deliveries (the batch on the wire and the next, prepared meanwhile), so what keeps the cap is that it
 * sends at most the cap of them at once and that no other dispatcher claims the endpoint while it holds live
 * leases. Each dispatcher here has its own HTTP agents, as replicas do, allowing far more sockets than the cap:
 * the agents' per-origin limit is not what holds it (endpoints may share an origin).
 */
describe('per-endpoint concurrency cap at the receiver', () => {
  let t: TestApp;
  let receiver: CountingReceiver;

  beforeAll(async () => {
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', DELIVERY_CONCURRENCY_PER_ENDPOINT: String(CAP) },
      clock: new ManualClock(Date.now()),
    });
    receiver = await CountingReceiver.start(20);
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('two dispatchers never have more than the cap of one endpoint’s requests open at once; each goes once', async () => {
    const tenantId = await t.tenant('Capped');
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201);
    await seedOrders(t.app, tenantId, 90);
    await t.app.get(FanOutService).fanOutAll();

    const config = t.app.get<AppConfig>(APP_CONFIG);
    const wideAgents: AppConfig = { ...config, delivery: { ...config.delivery, concurrencyPerEndpoint: 64 } };
    const clients: WebhookClient[] = [];
    const dispatcher = () => {
      const client = new WebhookClient(t.app.get(WebhookTargetGuard), wideAgents, t.clock);
      clients.push(client);
      return replicaDispatcher(t.app, t.clock, client, config);
    };
    const db = t.app.get(DataSource);
    const open = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status IN ('pending', 'failed_retrying')`,
          [tenantId],
        )
      )[0].n as number;
    // Each keeps trying until nothing is left, so the two overlap whenever one could take the endpoint over.
    const run = async (d: Dispatcher) => {
      const deadline = Date.now() + 60_000;
      while ((await open()) > 0 && Date.now() < deadline) {
        await d.dispatchAllDue();
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    try {
      await Promise.all([run(dispatcher()), run(dispatcher())]);
    } finally {
      for (const c of clients) c.onModuleDestroy();
    }

    expect(await open()).toBe(0);
    expect(receiver.ids).toHaveLength(90);
    expect(new Set(receiver.ids).size).toBe(90);
    expect(receiver.mostOpen).toBeLessThanOrEqual(CAP);
    // And the cap was used: requests did overlap up to it.
    expect(receiver.mostOpen).toBe(CAP);
  }, 90_000);
});
