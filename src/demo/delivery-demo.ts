import type { INestApplication } from '@nestjs/common';
import { crypto_box_keypair, crypto_box_seal_open, ready as sodiumReady } from 'libsodium-wrappers';
import { DataSource } from 'typeorm';
import type { ActorContext } from '../auth';
import { Dispatcher } from '../delivery/dispatch/dispatcher.service';
import { FanOutService } from '../delivery/dispatch/fan-out.service';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import type { PayloadMode } from '../delivery/payload-modes';
import type { ManualClock } from '../platform/clock/clock';
import { WebhookReceiver, type ReceiverCounts, type Refusal } from '../sandbox/webhook-receiver/webhook-receiver';

/** Verified requests the receiver turns away on purpose, so the demo shows retries: three 500s, then two 503s. */
const REFUSALS: readonly Refusal[] = [
  { status: 500 },
  { status: 500 },
  { status: 500 },
  // Retry-After: 1 is honoured within its bounds: the retry waits the one-minute minimum.
  { status: 503, retryAfterSeconds: 1 },
  { status: 503, retryAfterSeconds: 1 },
];
/** Past every retry the refusals cause (5 s ± 20 % after a 500, one minute after a 503). */
const RETRY_STEP_MS = 65_000;
const MAX_ROUNDS = 10;

export interface DeliveryDemoResult {
  readonly endpoints: Array<{ mode: PayloadMode; deliveries: number; succeeded: number }>;
  readonly rounds: number;
  readonly sent: number;
  readonly retried: number;
  readonly receiver: ReceiverCounts;
  /** Orders that had two versions queued at once, and whether each endpoint took every order's versions in order. */
  readonly ordersWithTwoVersions: number;
  readonly outOfOrder: number;
  readonly fullPayloadsWithBuyerData: number;
  /** Sealed payloads the receiver opened with its own secret key, and how many of those held buyer data. */
  readonly sealedOpened: number;
  readonly sealedWithBuyerData: number;
  readonly piiForwardedEntries: number;
  readonly ok: boolean;
}

/**
 * Forwarding, end to end: a seller's receiver on loopback verifies every
 * request with `standardwebhooks` and refuses a few of the first ones; a thin,
 * a full and a sealed endpoint point at it (the sealed one with the receiver's
 * own public key: it alone can open the buyer section); the demo fans out and dispatches (moving
 * its clock past the retry delays instead of waiting for them) until nothing
 * is pending, then checks what the receiver took against the deliveries table.
 * `refuseAbout` picks the orders whose first version is refused, so a second
 * version of each has to wait for the retry.
 */
export async function runDeliveryDemo(
  app: INestApplication,
  clock: ManualClock,
  by: ActorContext,
  tenantId: string,
  refuseAbout: ReadonlySet<string>,
): Promise<DeliveryDemoResult> {
  const refusedIds = new Set<string>();
  const receiver = await WebhookReceiver.start((webhookId, body) => {
    const data = body.data as { marketplaceOrderId?: string } | undefined;
    if (refusedIds.size >= REFUSALS.length || refusedIds.has(webhookId)) return null;
    if (!data?.marketplaceOrderId || !refuseAbout.has(data.marketplaceOrderId)) return null;
    refusedIds.add(webhookId);
    return REFUSALS[refusedIds.size - 1];
  });
  try {
    const endpoints = app.get(EndpointsService);
    const paths: Record<PayloadMode, string> = { thin: '/thin', full: '/full', sealed: '/sealed' };
    const created = new Map<string, PayloadMode>();
    await sodiumReady;
    const receiverKeys = crypto_box_keypair();
    for (const mode of ['thin', 'full', 'sealed'] as const) {
      const e = await endpoints.create(by, tenantId, {
        url: receiver.url(paths[mode]),
        description: `demo receiver (${mode})`,
        payloadMode: mode,
        ...(mode === 'sealed' ? { sealingPublicKey: Buffer.from(receiverKeys.publicKey).toString('base64') } : {}),
      });
      receiver.trust(paths[mode], e.secret);
      created.set(e.endpointId, mode);
    }

    // The receiver checks timestamps against its own (real) clock, within five minutes: the demo's clock,
    // moved ahead for the second sync, comes back to it, and each round moves it only past the retry delays.
    clock.set(Date.now());
    const fanOut = app.get(FanOutService);
    const dispatcher = app.get(Dispatcher);
    const ds = app.get(DataSource);
    let rounds = 0;
    let sent = 0;
    for (; rounds < MAX_ROUNDS; rounds++) {
      await fanOut.fanOutAll();
      sent += (await dispatcher.dispatchAllDue()).claimed;
      const [{ open }] = await ds.query(
        `SELECT count(*)::int AS open FROM deliveries WHERE tenant_id = $1 AND status IN ('pending', 'failed_retrying')`,
        [tenantId],
      );
      if (open === 0) break;
      clock.set(Date.now() + RETRY_STEP_MS);
    }

    const rows: Array<{
      endpoint_id: string;
      event_id: string;
      order_id: string;
      order_version: number;
      status: string;
      attempt_count: number;
    }> = await ds.query(
      `SELECT endpoint_id, event_id, order_id, order_version, status, attempt_count
         FROM deliveries WHERE tenant_id = $1`,
      [tenantId],
    );
    const modeOfPath = new Map(Object.entries(paths).map(([mode, path]) => [path, mode as PayloadMode]));
    const arrival = new Map<string, number>();
    for (const m of receiver.taken) arrival.set(`${modeOfPath.get(m.path)}:${m.webhookId}`, m.index);
    // Per endpoint and order: versions sorted by version must have arrived in that order.
    const streams = new Map<string, Array<{ version: number; at: number }>>();
    for (const r of rows) {
      const key = `${r.endpoint_id}:${r.order_id}`;
      const at = arrival.get(`${created.get(r.endpoint_id)}:${r.event_id}`) ?? -1;
      streams.set(key, [...(streams.get(key) ?? []), { version: r.order_version, at }]);
    }
    let outOfOrder = 0;
    let twoVersions = 0;
    for (const versions of streams.values()) {
      versions.sort((a, b) => a.version - b.version);
      if (versions.length > 1) twoVersions++;
      for (let i = 1; i < versions.length; i++) if (versions[i].at < versions[i - 1].at) outOfOrder++;
      if (versions.some((v) => v.at < 0)) outOfOrder++;
    }
    const fullPayloadsWithBuyerData = receiver.taken.filter(
      (m) => m.path === paths.full && (m.body.data as { buyer?: { pii?: string } }).buyer?.pii === 'included',
    ).length;
    // The receiver opens each sealed buyer section with its secret key; a section it cannot open is not counted.
    let sealedOpened = 0;
    let sealedWithBuyerData = 0;
    for (const m of receiver.taken.filter((t) => t.path === paths.sealed)) {
      const buyer = (m.body.data as { buyer?: { pii?: string; sealed?: string } }).buyer;
      if (buyer?.pii !== 'sealed' || !buyer.sealed) continue;
      try {
        const opened = crypto_box_seal_open(
          Buffer.from(buyer.sealed, 'base64'),
          receiverKeys.publicKey,
          receiverKeys.privateKey,
        );
        sealedOpened++;
        const pii = JSON.parse(Buffer.from(opened).toString('utf8')) as { email?: unknown; buyerName?: unknown };
        if (pii.email || pii.buyerName) sealedWithBuyerData++;
      } catch {
        // Not opened: left out of the count, so the demo's check fails.
      }
    }
    const [{ forwarded }] = await ds.query(
      `SELECT count(*)::int AS forwarded FROM audit_entries WHERE tenant_id = $1 AND action = 'pii.forwarded'`,
      [tenantId],
    );
    const perEndpoint = [...created].map(([endpointId, mode]) => {
      const mine = rows.filter((r) => r.endpoint_id === endpointId);
      return { mode, deliveries: mine.length, succeeded: mine.filter((r) => r.status === 'succeeded').length };
    });
    const retried = rows.filter((r) => r.attempt_count > 1).length;
    const counts = receiver.counts();
    const total = rows.length;
    const ok =
      total > 0 &&
      perEndpoint.every((e) => e.succeeded === e.deliveries) &&
      counts.taken === total &&
      counts.duplicates === 0 &&
      counts.signatureFailures === 0 &&
      counts.verified === counts.requests &&
      counts.refused === REFUSALS.length &&
      retried === REFUSALS.length &&
      outOfOrder === 0 &&
      fullPayloadsWithBuyerData === perEndpoint.find((e) => e.mode === 'full')?.deliveries &&
      sealedOpened === perEndpoint.find((e) => e.mode === 'sealed')?.deliveries &&
      sealedWithBuyerData === sealedOpened &&
      forwarded >= 1;
    return {
      endpoints: perEndpoint,
      rounds: rounds + 1,
      sent,
      retried,
      receiver: counts,
      ordersWithTwoVersions: twoVersions,
      outOfOrder,
      fullPayloadsWithBuyerData,
      sealedOpened,
      sealedWithBuyerData,
      piiForwardedEntries: forwarded,
      ok,
    };
  } finally {
    await receiver.close();
  }
}

export function deliveryDemoText(d: DeliveryDemoResult): string[] {
  const c = d.receiver;
  return [
    '\nforwarding by signed webhook (a receiver on loopback verifying with the standardwebhooks package)',
    ...d.endpoints.map(
      (e) =>
        `  ${e.mode.padEnd(5)} endpoint: ${e.succeeded}/${e.deliveries} deliveries succeeded` +
        (e.mode === 'full'
          ? ` (${d.fullPayloadsWithBuyerData} carried buyer data, opened at send time)`
          : e.mode === 'sealed'
            ? ` (buyer section sealed to the receiver's public key: ${d.sealedOpened} opened by the receiver alone, ` +
              `${d.sealedWithBuyerData} with buyer data)`
            : ' (ids, status, a link)'),
    ),
    `  ${c.requests} requests in ${d.rounds} round(s): ${c.refused} refused on purpose (500, 503 with Retry-After), ` +
      `${d.retried} deliveries retried and then taken; the clock moved past each retry delay instead of waiting`,
    `  signatures verified: ${c.verified}/${c.requests}; failed: ${c.signatureFailures}; taken twice: ${c.duplicates}`,
    `  per-order order: ${d.ordersWithTwoVersions} order streams had two versions queued; out of order: ${d.outOfOrder}`,
    `  pii.forwarded access-log entries written before the full and sealed payloads left: ${d.piiForwardedEntries}`,
  ];
}
