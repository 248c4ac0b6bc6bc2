import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ApiKeysService } from '../access/api-keys.service';
import { SellerUsersService } from '../access/people/seller-users.service';
import { cliActor, SELLER_SCOPES } from '../auth';
import type { AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import { SystemClock } from '../platform/clock/clock';
import { AmazonSimulator } from '../sandbox/amazon';
import { EbaySimulator } from '../sandbox/ebay';
import { createLoopbackTls } from '../sandbox/tls/loopback-ca';
import { WebhookReceiver } from '../sandbox/webhook-receiver/webhook-receiver';
import { TenantsService } from '../tenants/tenants.service';
import { runService } from '../cli/service-process';

const HOUR = 3600_000;
const AMAZON_APP = {
  clientId: 'amzn1.application-oa2-client.ordervaultsandbox',
  clientSecret: 'amzn1.oa2-cs.v1.sandbox',
};
const EBAY_APP = {
  clientId: 'OrderVau-sandbox-PRD-5a5a5a5a5-5a5a5a5a',
  clientSecret: 'PRD-sandbox-cert-0000',
  ruName: 'OrderVault-sandbox-RuName',
};
const AMAZON_EU = ['A1PA6795UKMFR9', 'A13V1IB3VIYZZH', 'APJ6JRA9NG5V4'];
/** How often simulated buyers place orders and simulated sellers ship, deliver and cancel. */
const ACTIVITY_MS = 20_000;

export interface SandboxOptions {
  readonly port?: number;
  readonly out?: (line: string) => void;
}

/**
 * `ordervault serve --sandbox`: the service itself (HTTP API, console, scheduler, sync workers, dispatcher)
 * on a fresh embedded database, with the Amazon and eBay simulators in process (loopback TLS, reached by the
 * real clients), a demo seller connected to both, a webhook receiver on loopback taking a thin endpoint's
 * deliveries, and simulated buyers and sellers acting every 20 seconds. Prints an API key and a console
 * invitation link for the demo seller, once. Marked as a sandbox in the start-up log and `/health/ready`.
 */
export async function runSandbox(base: AppConfig, options: SandboxOptions = {}): Promise<void> {
  const say = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dir = path.join(base.database.dataDir, 'sandbox');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const clock = new SystemClock();
  const tls = await createLoopbackTls();
  const amazon = await AmazonSimulator.start({ clock, tls, lwaClients: [AMAZON_APP], seed: 'sandbox' });
  const ebay = await EbaySimulator.start({ clock, tls, apps: [EBAY_APP], seed: 'sandbox' });
  const receiver = await WebhookReceiver.start();
  const amazonSeller = amazon.addSeller({ marketplaceIds: AMAZON_EU });
  const ebaySeller = ebay.addSeller({ marketplaceId: 'EBAY_DE', clientId: EBAY_APP.clientId });
  // Yesterday's business, so the first sync (at once, on start) has orders to bring in.
  const history = amazon.addOrders(amazonSeller.sellingPartnerId, 40, { createdAt: clock.nowMs() - 24 * HOUR });
  const ebayHistory = ebay.addOrders(ebaySeller.sellerId, 30, {
    createdAt: clock.nowMs() - 24 * HOUR,
    spacingMs: 10 * 60_000,
  });
  history.slice(0, 15).forEach((o) => amazon.ship(o.orderId));
  ebayHistory.slice(0, 10).forEach((o) => ebay.ship(o.orderId));

  const port = options.port ?? base.port;
  const config: AppConfig = {
    ...base,
    mode: 'sandbox',
    env: 'development',
    port,
    publicBaseUrl: new URL(`http://localhost:${port}`),
    database: { ...base.database, url: undefined, dataDir: dir },
    masterKey: { kind: 'generated', path: path.join(dir, 'master.key') },
    extraCaPem: tls.caPem,
    amazon: {
      ...base.amazon,
      lwaClientId: AMAZON_APP.clientId,
      lwaClientSecret: AMAZON_APP.clientSecret,
      appId: 'amzn1.sp.solution.ordervault-sandbox',
      spapiEndpoint: new URL(amazon.url),
      lwaEndpoint: new URL(amazon.url),
    },
    ebay: {
      ...base.ebay,
      clientId: EBAY_APP.clientId,
      clientSecret: EBAY_APP.clientSecret,
      ruName: EBAY_APP.ruName,
      apiEndpoint: ebay.url,
    },
    // Every connection synced at least once a minute, the scheduler looking every 5 seconds.
    sync: { ...base.sync, schedulerEnabled: true, tickSeconds: 5, intervalSeconds: 60, initialLookbackDays: 7 },
    delivery: { ...base.delivery, loopEnabled: true, allowPrivateNetworks: true },
  };

  const timers: { activity?: NodeJS.Timeout } = {};
  const running = await runService(config, {
    clock,
    afterClose: async () => {
      clearInterval(timers.activity);
      await Promise.all([amazon.close(), ebay.close(), receiver.close()]);
    },
  });
  const url = `http://localhost:${running.port}`;

  const by = cliActor('sandbox');
  const app = running.app;
  const tenant = await app.get(TenantsService).create(by, 'Sandbox Outdoor GmbH');
  const endpoint = await app.get(EndpointsService).create(by, tenant.tenantId, {
    url: receiver.url('/thin'),
    description: 'sandbox receiver (verifies every signature)',
    payloadMode: 'thin',
  });
  receiver.trust('/thin', endpoint.secret);
  const key = await app.get(ApiKeysService).createSellerKey(by, tenant.tenantId, {
    label: 'sandbox',
    scopes: [...SELLER_SCOPES],
  });
  const invitation = await app.get(SellerUsersService).invite(by, tenant.tenantId, 'owner');
  // Connected last: the scheduler's next tick (within 5 s) syncs both at once.
  const connections = app.get(ConnectionsService);
  await connections.connect(by, {
    tenantId: tenant.tenantId,
    marketplace: 'amazon',
    region: 'eu',
    marketplaceIds: AMAZON_EU,
    accountId: amazonSeller.sellingPartnerId,
    displayName: 'Amazon EU (sandbox)',
    credentials: { refreshToken: amazonSeller.refreshToken },
  });
  await connections.connect(by, {
    tenantId: tenant.tenantId,
    marketplace: 'ebay',
    region: 'EBAY_DE',
    marketplaceIds: [],
    accountId: ebaySeller.sellerId,
    displayName: 'eBay Germany (sandbox)',
    credentials: { refreshToken: ebaySeller.refreshToken, scopes: ebaySeller.scopes },
  });

  say('ordervault sandbox: simulated Amazon and eBay, a demo seller, nothing real (data is discarded on restart)');
  say(`  API        ${url}   (OpenAPI document: ${url}/docs)`);
  say(`  seller     ${tenant.tenantId} (Sandbox Outdoor GmbH), connected to Amazon EU and eBay DE`);
  say(`  API key    ${key.key}   (shown once; every seller scope)`);
  say(`  console    ${invitation.link}   (one-time link: choose a password, add the code to an authenticator app)`);
  say(`  webhooks   a thin endpoint to a receiver on loopback that verifies every signature`);
  say('  try        curl -s -H "Authorization: Bearer $KEY" ' + `${url}/v1/orders | head -c 600`);
  say('  stop       Ctrl-C (SIGTERM): the service stops cleanly');

  let round = 0;
  const open = { amazon: [...history.slice(15)], ebay: [...ebayHistory.slice(10)] };
  timers.activity = setInterval(() => {
    round++;
    const placedAmazon = amazon.addOrders(amazonSeller.sellingPartnerId, 1 + (round % 3));
    const placedEbay = ebay.addOrders(ebaySeller.sellerId, 1 + ((round + 1) % 2));
    const shipA = open.amazon.shift();
    if (shipA) amazon.ship(shipA.orderId);
    const shipE = open.ebay.shift();
    if (shipE) ebay.ship(shipE.orderId);
    if (round % 4 === 0 && open.amazon.length) amazon.cancel(open.amazon.pop()!.orderId);
    open.amazon.push(...placedAmazon);
    open.ebay.push(...placedEbay);
    const c = receiver.counts();
    say(
      `sandbox: ${placedAmazon.length} Amazon and ${placedEbay.length} eBay orders placed, two shipped; ` +
        `webhooks verified so far: ${c.verified}`,
    );
  }, ACTIVITY_MS);
}
