import { SingleBar } from 'cli-progress';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../access/api-keys.service';
import { RevealService } from '../access/reveal.service';
import { cliActor } from '../auth';
import { ALL_TENANTS, AuditCheckpointService, AuditVerifier } from '../audit';
import { loadConfigFromProcess, type AppConfig } from '../config';
import { ConnectionsService } from '../connections/connections.service';
import { OrdersService } from '../orders';
import { DomainError } from '../platform/errors/domain-error';
import { RetentionOverview, RetentionSweeper } from '../retention';
import { ManualClock } from '../platform/clock/clock';
import { AppLogger } from '../platform/logging/app-logger';
import { AmazonSimulator } from '../sandbox/amazon';
import { buyerStrings } from '../sandbox/buyers';
import { EbaySimulator } from '../sandbox/ebay';
import { createLoopbackTls } from '../sandbox/tls/loopback-ca';
import { SyncWorker } from '../sync/sync-worker';
import { TenantsService } from '../tenants/tenants.service';
import { createHttpApp } from '../http-app';
import { EbayDeletionWorker } from '../rights/ebay-deletion';
import { dumpAllRows } from './database-dump';
import { deliveryDemoText, runDeliveryDemo } from './delivery-demo';
import { scanBuffer, scanDirectory } from './leak-scan';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/**
 * How far the demo moves its clock to show retention: past every order's window (Amazon 30 days, eBay 90, after
 * an anchor of at most purchase + 60 days), not yet at the 18 months after which order records are deleted.
 */
const RETENTION_DEMO_DAYS = 151;
const AMAZON_APP = {
  clientId: 'amzn1.application-oa2-client.ordervaultdemo',
  clientSecret: 'amzn1.oa2-cs.v1.demo-secret',
};
const EBAY_APP = {
  clientId: 'OrderVau-demo-PRD-5a5a5a5a5-5a5a5a5a',
  clientSecret: 'PRD-demo-cert-0000',
  ruName: 'OrderVault-demo-RuName',
};
const AMAZON_EU = ['A1PA6795UKMFR9', 'A13V1IB3VIYZZH', 'APJ6JRA9NG5V4'];

export interface DemoOptions {
  readonly json: boolean;
  readonly amazonOrders?: number;
  readonly ebayOrders?: number;
  readonly out?: (line: string) => void;
}

/**
 * The main job end to end on the embedded default: embedded PostgreSQL, both
 * marketplace simulators on loopback TLS, the real marketplace clients, one
 * demo seller with an Amazon EU and an eBay DE connection, a full sync, then a
 * search of the database files and a dump for every buyer datum the
 * simulators produced; then the clock moves past every retention window, a
 * sweep destroys the buyer data with receipts in the access log, a reveal of a
 * destroyed order is refused and the log still verifies. Exit code 0 only when
 * nothing leaked and every step held.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const say = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const human = (line: string) => !options.json && say(line);
  const base = loadConfigFromProcess();
  const dir = path.join(base.database.dataDir, 'demo');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  // Simulated history: orders placed over the last two days, some shipped, delivered or
  // cancelled since. One clock drives the simulators and the service alike.
  const clock = new ManualClock(Date.now() - 2 * 24 * HOUR);
  const tls = await createLoopbackTls();
  const amazon = await AmazonSimulator.start({ clock, tls, lwaClients: [AMAZON_APP], seed: 'demo' });
  const ebay = await EbaySimulator.start({ clock, tls, apps: [EBAY_APP], seed: 'demo' });
  const amazonSeller = amazon.addSeller({ marketplaceIds: AMAZON_EU });
  const ebaySeller = ebay.addSeller({ marketplaceId: 'EBAY_DE', clientId: EBAY_APP.clientId });
  const amazonOrders = amazon.addOrders(amazonSeller.sellingPartnerId, options.amazonOrders ?? 200, {
    createdAt: clock.nowMs(),
  });
  const ebayOrders = ebay.addOrders(ebaySeller.sellerId, options.ebayOrders ?? 150, {
    createdAt: clock.nowMs(),
    spacingMs: 5 * 60_000,
  });
  clock.advance(20 * HOUR);
  amazonOrders.slice(0, 60).forEach((o) => amazon.ship(o.orderId));
  amazonOrders.slice(0, 25).forEach((o) => amazon.deliver(o.orderId));
  amazonOrders.slice(190).forEach((o) => amazon.cancel(o.orderId));
  ebayOrders.slice(0, 40).forEach((o) => ebay.ship(o.orderId));
  ebayOrders.slice(140).forEach((o) => ebay.cancel(o.orderId));
  clock.set(Date.now());

  const config: AppConfig = {
    ...base,
    env: 'development',
    logLevel: 'warn',
    database: { ...base.database, url: undefined, dataDir: dir },
    masterKey: { kind: 'generated', path: path.join(dir, 'master.key') },
    extraCaPem: tls.caPem,
    amazon: {
      ...base.amazon,
      lwaClientId: AMAZON_APP.clientId,
      lwaClientSecret: AMAZON_APP.clientSecret,
      appId: 'amzn1.sp.solution.ordervault-demo',
      spapiEndpoint: new URL(amazon.url),
      lwaEndpoint: new URL(amazon.url),
    },
    ebay: {
      ...base.ebay,
      clientId: EBAY_APP.clientId,
      clientSecret: EBAY_APP.clientSecret,
      ruName: EBAY_APP.ruName,
      apiEndpoint: ebay.url,
      // eBay Marketplace Account Deletion: what would be registered in eBay's developer portal.
      accountDeletion: {
        verificationToken: 'ovDemo_verification_token_0123456789abcdef',
        endpointUrl: 'https://ordervault.example/v1/marketplace-notifications/ebay',
      },
    },
    sync: { ...base.sync, schedulerEnabled: false },
    // The demo drives fan-out and dispatch itself (moving its clock past retry delays); its receiver is on loopback.
    delivery: { ...base.delivery, loopEnabled: false, allowPrivateNetworks: true },
  };

  human('ordervault demo');
  human(`  database      embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), dir) || dir}`);
  human(`  Amazon        SP-API Orders v2026-01-01 + Login with Amazon simulator at ${amazon.url}`);
  human(`  eBay          Sell Fulfillment v1 + identity simulator at ${ebay.origin}`);
  human(
    `  master key    generated for this demo at ${path.join(path.relative(process.cwd(), dir) || dir, 'master.key')} (mode 0600; development only)`,
  );

  // The demo talks to people on stdout; the service's own log lines go to stderr.
  const logger = new AppLogger({ level: 'error', destination: 'stderr' });
  // The HTTP application on loopback: eBay's simulator posts its signed account deletion notification to it.
  const app = await createHttpApp({ config, clock, logger, migrateOnStart: true });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  let code: number;
  try {
    // The demo is an operator command: everything it does is recorded as `cli:demo`.
    const demo = cliActor('demo');
    const tenant = await app.get(TenantsService).create(demo, 'Demo Outdoor GmbH');
    const connections = app.get(ConnectionsService);
    await connections.connect(demo, {
      tenantId: tenant.tenantId,
      marketplace: 'amazon',
      region: 'eu',
      marketplaceIds: AMAZON_EU,
      accountId: amazonSeller.sellingPartnerId,
      displayName: 'Amazon EU (DE, FR, IT)',
      credentials: { refreshToken: amazonSeller.refreshToken },
    });
    await connections.connect(demo, {
      tenantId: tenant.tenantId,
      marketplace: 'ebay',
      region: 'EBAY_DE',
      marketplaceIds: [],
      accountId: ebaySeller.sellerId,
      displayName: 'eBay Germany',
      credentials: { refreshToken: ebaySeller.refreshToken, scopes: ebaySeller.scopes },
    });
    human(`\ndemo seller ${tenant.tenantId} connected to Amazon EU and eBay DE`);
    human(
      `simulated orders: ${amazonOrders.length} on Amazon, ${ebayOrders.length} on eBay (some shipped, delivered, cancelled)\n`,
    );

    const ds = app.get(DataSource);
    const expected = amazonOrders.length + ebayOrders.length;
    const bar = new SingleBar({
      format: 'syncing  [{bar}] {value}/{total} orders',
      stream: process.stderr,
      hideCursor: true,
    });
    if (!options.json) bar.start(expected, 0);
    const poll = setInterval(() => {
      void ds.query('SELECT count(*)::int AS n FROM orders').then(
        ([r]) => !options.json && bar.update(r.n),
        () => undefined,
      );
    }, 100);
    const started = performance.now();
    const outcomes = await app.get(SyncWorker).runOnce(tenant.tenantId);
    clearInterval(poll);
    const seconds = (performance.now() - started) / 1000;
    const orders = app.get(OrdersService);
    const perMarketplace = await orders.countByMarketplace(tenant.tenantId);
    const stored = perMarketplace.reduce((n, m) => n + m.count, 0);
    if (!options.json) {
      bar.update(stored);
      bar.stop();
    }
    const events = await orders.pendingEvents(tenant.tenantId);

    // Thirty Amazon orders ship after the sync; a second sync gives each a second version, queued behind the first.
    // (Amazon reads changes up to two minutes before now: the clock moves past that.)
    const shippedLater = amazonOrders.slice(60, 90);
    clock.advance(60_000);
    shippedLater.forEach((o) => amazon.ship(o.orderId));
    clock.advance(3 * 60_000);
    await app.get(SyncWorker).runOnce(tenant.tenantId, { now: true });
    const delivery = await runDeliveryDemo(
      app,
      clock,
      demo,
      tenant.tenantId,
      new Set(shippedLater.map((o) => o.orderId)),
    );

    // Access control and the access log: the seller reveals one order (audited in the same
    // transaction), an auditor-style verification of the signed, hash-chained log follows.
    const sellerKey = await app.get(ApiKeysService).createSellerKey(demo, tenant.tenantId, {
      label: 'demo',
      scopes: ['orders:read_pii'],
    });
    const [firstOrder] = (await orders.list(tenant.tenantId, { limit: 1 })).items;
    const seller = {
      actor: {
        kind: 'seller',
        id: `key:${sellerKey.keyId}`,
        tenantId: tenant.tenantId,
        scopes: sellerKey.scopes,
        keyId: sellerKey.keyId,
      },
      requestId: null,
    } as const;
    await app.get(RevealService).reveal(seller, {
      tenantId: tenant.tenantId,
      orderId: firstOrder.orderId,
      reason: 'demo: the seller looks up one buyer address',
    });

    // eBay Marketplace Account Deletion: a buyer closes their eBay account; eBay's signed notification is
    // verified with eBay's key (getPublicKey), acknowledged, and that buyer's data erased in the background.
    // A forged copy (signature over other bytes) is refused.
    const notificationsUrl = `http://127.0.0.1:${port}/v1/marketplace-notifications/ebay`;
    const closing = ebay.buyerOf(ebayOrders[0].orderId);
    const closingUser = { username: closing.marketplaceBuyerId, userId: 'demoUser01', eiasToken: 'ZGVtbw==' };
    const forgedStatus = await ebay.sendAccountDeletion(notificationsUrl, closingUser, { signature: 'corrupt' });
    const deletionStatus = await ebay.sendAccountDeletion(notificationsUrl, closingUser);
    await app.get(EbayDeletionWorker).idle();
    const [erasure] = (await ds.query(
      `SELECT completed_at IS NOT NULL AS completed, orders_erased FROM ebay_deletion_notifications`,
    )) as Array<{ completed: boolean; orders_erased: number }>;
    const accountDeletion = {
      acknowledged: deletionStatus,
      forgedRefused: forgedStatus,
      completed: erasure?.completed ?? false,
      ordersErased: erasure?.orders_erased ?? 0,
    };
    await app.get(AuditCheckpointService).writeNow();
    const audit = await app.get(AuditVerifier).verify(ALL_TENANTS);

    // The privacy check: every buyer datum the simulators generated, searched for in clear.
    const needles = [
      ...new Set([
        ...amazonOrders.flatMap((o) => buyerStrings(amazon.buyerOf(o.orderId))),
        ...ebayOrders.flatMap((o) => buyerStrings(ebay.buyerOf(o.orderId))),
      ]),
    ];
    const dump = await dumpAllRows(ds);
    const dumpHits = scanBuffer(Buffer.from(dump.text, 'utf8'), needles, 'SQL dump');
    // Control: the same scanner on what the simulators served finds the buyers, so "0" means clean, not blind.
    const served = JSON.stringify([
      ...amazonOrders.map((o) => amazon.order(o.orderId)),
      ...ebayOrders.map((o) => ebay.order(o.orderId)),
    ]);
    const controlHits = new Set(
      scanBuffer(Buffer.from(`${served}\n${JSON.stringify(needles)}`), needles, 'control').map((h) => h.needle),
    );

    // Retention: the clock moves past every window; one sweep destroys the buyer data (keys shredded,
    // receipts in the log); a reveal of a destroyed order is refused; the log still verifies; nothing leaks.
    clock.advance(RETENTION_DEMO_DAYS * DAY);
    const due = await app.get(RetentionOverview).preview({ tenantId: tenant.tenantId });
    const sweep = await app.get(RetentionSweeper).sweep(demo);
    const destroyedBy = sweep.tenants.find((x) => x.tenantId === tenant.tenantId)?.destroyed ?? { amazon: 0, ebay: 0 };
    const refusal = await app
      .get(RevealService)
      .reveal(seller, {
        tenantId: tenant.tenantId,
        orderId: firstOrder.orderId,
        reason: 'demo: the seller looks the buyer up again',
      })
      .then(
        () => null,
        (err: unknown) =>
          err instanceof DomainError ? { code: err.code, message: err.message } : { code: 'unexpected' },
      );
    await app.get(AuditCheckpointService).writeNow();
    const auditAfter = await app.get(AuditVerifier).verify(ALL_TENANTS);
    const [{ receipts, listed }] = await ds.query(
      `SELECT count(*)::int AS receipts, coalesce(sum(jsonb_array_length(targets->'orderIds')), 0)::int AS listed
         FROM audit_entries WHERE tenant_id = $1 AND action = 'pii.destroyed'`,
      [tenant.tenantId],
    );
    const [{ sealed }] = await ds.query(
      `SELECT count(*)::int AS sealed FROM orders WHERE tenant_id = $1 AND pii_ciphertext IS NOT NULL`,
      [tenant.tenantId],
    );
    const dumpAfter = await dumpAllRows(ds);
    const dumpAfterHits = scanBuffer(Buffer.from(dumpAfter.text, 'utf8'), needles, 'SQL dump after the sweep');

    await app.close();
    const files = scanDirectory(path.join(dir, 'pgdata'), needles);
    const leaks = [...dumpHits, ...dumpAfterHits, ...files.hits];
    const retention = {
      clockMovedDays: RETENTION_DEMO_DAYS,
      dueBeforeSweep: due.totals.due,
      destroyed: destroyedBy,
      ordersStillSealed: sealed,
      receipts: { entries: receipts, ordersListed: listed },
      destroyedReveal: refusal ?? { code: 'allowed' },
      accessLog: {
        ok: auditAfter.ok,
        entries: auditAfter.entries,
        checkpoints: auditAfter.checkpoints,
      },
      leaksAfterSweep: dumpAfterHits.length,
    };
    const retentionOk =
      auditAfter.ok &&
      refusal?.code === 'gone' &&
      sealed === 0 &&
      // Every order not already erased by the account deletion above goes in the sweep, listed in its receipts.
      listed === stored - accountDeletion.ordersErased &&
      destroyedBy.amazon + destroyedBy.ebay === stored - accountDeletion.ordersErased;

    const summary = {
      tenantId: tenant.tenantId,
      syncSeconds: Number(seconds.toFixed(2)),
      runs: outcomes.map((o) => ({
        marketplace: o.marketplace,
        result: o.result,
        pages: o.pages,
        created: o.created,
        deadLettered: o.deadLettered,
      })),
      ordersByMarketplace: perMarketplace,
      eventsQueued: events,
      delivery,
      ebayAccountDeletion: accountDeletion,
      accessLog: { ok: audit.ok, chains: audit.chains, entries: audit.entries, checkpoints: audit.checkpoints },
      privacyCheck: {
        buyerStrings: needles.length,
        databaseFiles: files.files,
        databaseBytes: files.bytesScanned,
        dumpRows: dump.rows,
        dumpBytes: Buffer.byteLength(dump.text),
        leaks,
        controlFound: controlHits.size,
      },
      retention,
    };
    const erased =
      accountDeletion.acknowledged === 204 &&
      accountDeletion.forgedRefused === 412 &&
      accountDeletion.completed &&
      accountDeletion.ordersErased >= 1;
    code = leaks.length === 0 && stored === expected && audit.ok && erased && retentionOk && delivery.ok ? 0 : 1;
    if (options.json) {
      say(JSON.stringify(summary, null, 2));
    } else {
      say(`\nsynced in ${seconds.toFixed(2)} s`);
      for (const m of perMarketplace) say(`  ${m.marketplace.padEnd(8)} ${m.count} orders stored (buyer data sealed)`);
      say(`  events queued for delivery: ${events}`);
      for (const line of deliveryDemoText(delivery)) say(line);
      say('\neBay account deletion');
      say(
        `  a signed notification for one buyer: ${accountDeletion.acknowledged} acknowledged; ${accountDeletion.ordersErased} order(s) erased${accountDeletion.completed ? '' : ' (NOT completed)'}; a forged copy: ${accountDeletion.forgedRefused} refused`,
      );
      say('\naccess log');
      say(
        `  one audited reveal by the seller, erasure receipts; log ${audit.ok ? 'verified' : 'FAILED verification'}: ${audit.chains} chains, ${audit.entries} entries, ${audit.checkpoints} signed checkpoint(s)`,
      );
      say('\nprivacy check');
      say(
        `  searched ${files.files} database files (${(files.bytesScanned / 1e6).toFixed(1)} MB) and a ${dump.rows}-row dump (${(summary.privacyCheck.dumpBytes / 1e6).toFixed(1)} MB)`,
      );
      say(
        `  for ${needles.length} buyer strings: names, e-mails, phones, addresses, postal codes, tax ids, gift messages, buyer ids`,
      );
      say(
        `  found in clear: ${leaks.length}${
          leaks.length
            ? ` (${leaks
                .slice(0, 5)
                .map((l) => l.where)
                .join(', ')})`
            : ''
        }`,
      );
      say(
        `  control: the same search finds ${controlHits.size}/${needles.length} of them in what the simulators served`,
      );
      say(`\nretention: the clock moves ${RETENTION_DEMO_DAYS} days on, past every buyer-data window`);
      say(`  due: ${due.totals.due} orders; one sweep destroys them (data keys shredded, ciphertext cleared)`);
      for (const [marketplace, n] of Object.entries(destroyedBy)) {
        say(`  ${marketplace.padEnd(8)} ${n} orders' buyer data destroyed`);
      }
      say(`  orders still holding sealed buyer data: ${sealed}`);
      say(
        `  reveal of a destroyed order: ${refusal ? `refused (${refusal.code}${'message' in refusal ? `: ${refusal.message}` : ''})` : 'ALLOWED'}`,
      );
      say(
        `  receipts: ${receipts} pii.destroyed entries listing ${listed} orders; log ${auditAfter.ok ? 'verified' : 'FAILED verification'}: ${auditAfter.entries} entries, ${auditAfter.checkpoints} signed checkpoint(s)`,
      );
      say(
        `  buyer strings found in clear after the sweep: ${dumpAfterHits.length} (dump) and ${files.hits.length} (files)`,
      );
      say(code === 0 ? '\ndemo passed' : '\ndemo FAILED');
    }
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  } finally {
    await amazon.close();
    await ebay.close();
  }
  return code;
}
