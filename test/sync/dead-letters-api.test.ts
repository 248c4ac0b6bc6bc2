import { randomBytes } from 'node:crypto';
import { ConnectionsService } from '../../src/connections/connections.service';
import { deadLetterText, deadLettersTable, listQuery } from '../../src/cli/dead-letter-commands';
import { UsageError } from '../../src/cli/output';
import { cliActor } from '../../src/auth';
import { DomainError } from '../../src/platform/errors/domain-error';
import { buyerStrings } from '../../src/sandbox/buyers';
import { REPLAY_SCHEDULE } from '../../src/sync/dead-letter-replay';
import type { DeadLetterView } from '../../src/sync/dead-letter.mapper';
import { DeadLettersService } from '../../src/sync/dead-letters.service';
import { SyncWorker } from '../../src/sync/sync-worker';
import { runCli } from '../support/cli-process';
import { AMAZON_DE, startMarketplaces, type MarketplaceHarness } from '../support/marketplace-harness';
import { startTestApp, type AuthHeader, type TestApp } from '../support/test-app';
import { TEST_ACTOR } from '../support/test-actor';
import { HOUR, MINUTE } from './sync-checks';

/**
 * Dead letters made by a real sync against the Amazon simulator, read through the HTTP API (masked,
 * paged, filtered, staff only with a grant) and handled with the CLI's commands (retry, resolve).
 */
describe('dead letters: GET /v1/dead-letters and ordervault dead-letters', () => {
  let m: MarketplaceHarness;
  let t: TestApp;
  const masterKey = randomBytes(32).toString('base64');
  let tenantId: string;
  let connectionId: string;
  let seller: AuthHeader;
  let buyers: string[];
  const ids: Record<'repaired' | 'stuck' | 'anonymous', string> = { repaired: '', stuck: '', anonymous: '' };
  const service = () => t.app.get(DeadLettersService);
  /** One pass over the tenant whatever the schedule (as `sync --once --now`): replay runs after every completed window. */
  const sync = async () => (await t.app.get(SyncWorker).runOnce(tenantId, { now: true }))[0];
  const amazonGetOrders = () =>
    m.amazon.requests
      .filter((r) => r.operation === 'getOrder')
      .map((r) => decodeURIComponent(r.path.split('/').pop()!));

  beforeAll(async () => {
    m = await startMarketplaces();
    t = await startTestApp({ env: { ...m.env, ORDERVAULT_MASTER_KEY: masterKey }, clock: m.clock });
    tenantId = await t.tenant('Poison Post');
    const added = m.amazon.addSeller({ marketplaceIds: [AMAZON_DE] });
    connectionId = (
      await t.app.get(ConnectionsService).connect(TEST_ACTOR, {
        tenantId,
        marketplace: 'amazon',
        region: 'eu',
        marketplaceIds: [AMAZON_DE],
        accountId: added.sellingPartnerId,
        credentials: { refreshToken: added.refreshToken },
      })
    ).connectionId;
    const orders = m.amazon.addOrders(added.sellingPartnerId, 5, {
      createdAt: m.clock.nowMs() - HOUR,
      status: 'UNSHIPPED',
      fulfilledBy: 'MERCHANT',
    });
    [ids.repaired, ids.stuck, ids.anonymous] = orders.map((o) => o.orderId);
    m.amazon.makeOrderMalformed(ids.repaired, 'bad-timestamp');
    m.amazon.makeOrderMalformed(ids.stuck, 'unknown-status');
    m.amazon.makeOrderMalformed(ids.anonymous, 'missing-order-id');
    buyers = orders.flatMap((o) => buyerStrings(m.amazon.buyerOf(o.orderId)));
    m.clock.advance(10 * MINUTE);
    expect(await sync()).toMatchObject({ result: 'done', created: 2, deadLettered: 3 });
    seller = (await t.seller(tenantId, ['orders:read'])).auth;
  });
  afterAll(async () => {
    await t.close();
    await m.close();
  });

  const byOrder = (items: DeadLetterView[]) => new Map(items.map((d) => [d.marketplaceOrderId, d]));

  it('lists open letters masked: code, PII-free detail, attempts, replay schedule; never the payload', async () => {
    const res = await t.http().get('/v1/dead-letters').set(seller).expect(200);
    const items = res.body.items as DeadLetterView[];
    expect(items).toHaveLength(3);
    expect(res.body.nextCursor).toBeUndefined();
    const letters = byOrder(items);
    const stuck = letters.get(ids.stuck)!;
    expect(stuck).toMatchObject({
      connectionId,
      marketplace: 'amazon',
      reasonCode: 'bad_data',
      reasonDetail: 'fulfillment.fulfillmentStatus: unknown value',
      attempts: 1,
      state: 'open',
      resolution: null,
      payload: 'sealed',
      replay: { state: 'scheduled', requestedAt: null, gaveUpAt: null },
    });
    expect(stuck.replay.nextAt).toBe(
      new Date(Date.parse(stuck.lastSeenAt) + REPLAY_SCHEDULE.firstDelayMs).toISOString(),
    );
    const anonymous = items.find((d) => d.marketplaceOrderId.startsWith('?'))!;
    expect(anonymous.replay.state).toBe('never');
    // No buyer datum and no ciphertext anywhere in the answer.
    const text = JSON.stringify(res.body);
    expect(buyers.filter((b) => text.includes(b))).toEqual([]);
    expect(Object.keys(stuck)).not.toContain('payloadCiphertext');

    const one = await t.http().get(`/v1/dead-letters/${stuck.deadLetterId}`).set(seller).expect(200);
    expect(one.body).toEqual(stuck);
  });

  it('pages with a cursor and filters by connection, marketplace, reason and state; bad input is a 400', async () => {
    const first = await t.http().get('/v1/dead-letters?limit=2').set(seller).expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await t
      .http()
      .get(`/v1/dead-letters?limit=2&cursor=${first.body.nextCursor as string}`)
      .set(seller)
      .expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const all = await t.http().get('/v1/dead-letters').set(seller).expect(200);
    expect([...first.body.items, ...second.body.items]).toEqual(all.body.items);

    const count = async (q: string) =>
      ((await t.http().get(`/v1/dead-letters?${q}`).set(seller).expect(200)).body.items as unknown[]).length;
    expect(await count(`connectionId=${connectionId}`)).toBe(3);
    expect(await count('connectionId=00000000-0000-4000-8000-000000000000')).toBe(0);
    expect(await count('marketplace=amazon')).toBe(3);
    expect(await count('marketplace=ebay')).toBe(0);
    expect(await count('reasonCode=bad_data')).toBe(3);
    expect(await count('reasonCode=sealed_data_unreadable')).toBe(0);
    expect(await count('state=resolved')).toBe(0);
    expect(await count('state=all')).toBe(3);

    for (const q of ['state=closed', 'limit=0', 'limit=x', 'marketplace=etsy', 'connectionId=nope', 'cursor=abc']) {
      const r = await t.http().get(`/v1/dead-letters?${q}`).set(seller);
      expect([q, r.status]).toEqual([q, 400]);
    }
    await t.http().get('/v1/dead-letters/not-a-uuid').set(seller).expect(400);
    await t.http().get('/v1/dead-letters/00000000-0000-4000-8000-000000000000').set(seller).expect(404);
  });

  it('is for sellers with orders:read and staff with an all-orders grant of the seller', async () => {
    const stranger = (await t.seller(await t.tenant('Someone Else'), ['orders:read'])).auth;
    expect((await t.http().get('/v1/dead-letters').set(stranger).expect(200)).body.items).toEqual([]);
    const anyId = ((await t.http().get('/v1/dead-letters').set(seller)).body.items as DeadLetterView[])[0].deadLetterId;
    await t.http().get(`/v1/dead-letters/${anyId}`).set(stranger).expect(404);
    await t.http().get('/v1/dead-letters').expect(401);
    const noScope = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    await t.http().get('/v1/dead-letters').set(noScope).expect(403);

    const granter = (await t.seller(tenantId, ['grants:manage'])).auth;
    const granted = await t.staff('support', 'Granted Support');
    const partly = await t.staff('support', 'Partly Granted');
    const ungranted = await t.staff('support', 'Other Support');
    const auditor = await t.staff('auditor');
    const expiresAt = new Date(t.clock.nowMs() + 86_400_000).toISOString();
    await t.http().post('/v1/grants').set(granter).send({ granteeStaffId: granted.staffId, expiresAt }).expect(201);
    const someOrder = ((await t.http().get('/v1/orders').set(seller)).body.items as Array<{ orderId: string }>)[0];
    await t
      .http()
      .post('/v1/grants')
      .set(granter)
      .send({ granteeStaffId: partly.staffId, expiresAt, orderIds: [someOrder.orderId] })
      .expect(201);
    const asStaff = (auth: AuthHeader) => ({ ...auth, 'X-Tenant-Id': tenantId });
    expect((await t.http().get('/v1/dead-letters').set(asStaff(granted.auth)).expect(200)).body.items).toHaveLength(3);
    await t.http().get(`/v1/dead-letters/${anyId}`).set(asStaff(granted.auth)).expect(200);
    const refused = await t.http().get('/v1/dead-letters').set(asStaff(partly.auth)).expect(403);
    expect(refused.body.error.message).toContain('all of the seller');
    await t.http().get('/v1/dead-letters').set(asStaff(ungranted.auth)).expect(403);
    await t.http().get('/v1/dead-letters').set(asStaff(auditor.auth)).expect(403);
  });

  it('retry: the next run re-fetches the letter ahead of its backoff; resolve closes one by hand', async () => {
    const letters = byOrder((await service().list(tenantId, {})).items);
    const repaired = letters.get(ids.repaired)!;
    const stuck = letters.get(ids.stuck)!;
    const anonymous = [...letters.values()].find((d) => d.marketplaceOrderId.startsWith('?'))!;

    // Amazon repairs the record without modifying the order; well inside the hour no replay is due.
    m.amazon.repairOrder(ids.repaired);
    m.clock.advance(5 * MINUTE);
    m.amazon.resetObservations();
    expect((await sync()).replay).toBeUndefined();
    expect(amazonGetOrders()).toEqual([]);

    const requested = await service().retry(tenantId, repaired.deadLetterId);
    expect(requested.replay).toMatchObject({ state: 'requested', requestedAt: m.clock.now().toISOString() });
    m.amazon.resetObservations();
    const run = await sync();
    expect(run.replay).toEqual({ fetched: 1, ingested: 1, stillBroken: 0, gone: 0, gaveUp: 0 });
    expect(amazonGetOrders()).toEqual([ids.repaired]);
    expect(await service().get(tenantId, repaired.deadLetterId)).toMatchObject({
      state: 'resolved',
      resolution: 'ingested',
      replay: { state: 'none', requestedAt: null },
    });

    // A letter replay gave up on comes back once when asked, and gives up again while still broken.
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as DomainError,
      );
    expect((await fail(service().retry(tenantId, anonymous.deadLetterId)))?.code).toBe('precondition_failed');
    expect((await fail(service().retry(tenantId, repaired.deadLetterId)))?.code).toBe('conflict');
    expect((await fail(service().retry(tenantId, '00000000-0000-4000-8000-000000000000')))?.code).toBe('not_found');
    await service().retry(tenantId, stuck.deadLetterId);
    m.amazon.resetObservations();
    expect((await sync()).replay).toEqual({ fetched: 1, ingested: 0, stillBroken: 1, gone: 0, gaveUp: 0 });
    expect(amazonGetOrders()).toEqual([ids.stuck]);
    expect(await service().get(tenantId, stuck.deadLetterId)).toMatchObject({
      attempts: 2,
      state: 'open',
      replay: { state: 'scheduled', requestedAt: null },
    });

    const note = 'seller cancelled it by phone; nothing to import';
    const resolved = await service().resolve(cliActor('dead-letters resolve'), tenantId, anonymous.deadLetterId, note);
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolution: 'dismissed',
      resolvedBy: 'cli:dead-letters-resolve',
      resolutionNote: note,
      resolvedAt: m.clock.now().toISOString(),
    });
    expect(
      (await fail(service().resolve(cliActor('dead-letters resolve'), tenantId, anonymous.deadLetterId)))?.code,
    ).toBe('conflict');
    expect(
      (await fail(service().resolve(cliActor('dead-letters resolve'), tenantId, stuck.deadLetterId, 'a\u0007b')))?.code,
    ).toBe('validation_failed');
    const resolvedList = await t.http().get('/v1/dead-letters?state=resolved').set(seller).expect(200);
    expect((resolvedList.body.items as DeadLetterView[]).map((d) => d.resolution).sort()).toEqual([
      'dismissed',
      'ingested',
    ]);
    expect(
      ((await t.http().get('/v1/dead-letters').set(seller)).body.items as DeadLetterView[]).map((d) => d.deadLetterId),
    ).toEqual([stuck.deadLetterId]);

    // The CLI's renderings name what matters and nothing sealed.
    const shown = deadLetterText(resolved);
    expect(shown).toContain('dismissed');
    expect(shown).toContain(note);
    expect(deadLettersTable([resolved])).toContain('resolved (dismissed)');
    expect(() => listQuery({ tenant: tenantId, state: 'closed' })).toThrow(UsageError);
    expect(() => listQuery({ tenant: tenantId, limit: '500' })).toThrow(UsageError);
  });

  it('the CLI lists and resolves as separate processes (--json), and refuses to retry a resolved letter', async () => {
    if (!t.db.url) return; // the CLI process needs a server database it can share with this test
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: t.db.url,
      ORDERVAULT_MASTER_KEY: masterKey,
      SYNC_SCHEDULER_ENABLED: 'false',
    };
    const listed = await runCli(['dead-letters', 'list', '--tenant', tenantId, '--json'], env);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const page = JSON.parse(listed.stdout) as { items: DeadLetterView[] };
    expect(page.items.map((d) => d.marketplaceOrderId)).toEqual([ids.stuck]);
    const id = page.items[0].deadLetterId;

    const resolved = await runCli(
      ['dead-letters', 'resolve', id, '--tenant', tenantId, '--note', 'order refunded'],
      env,
    );
    expect(resolved).toMatchObject({ code: 0, stdout: `dead letter ${id} resolved (dismissed)\n` });
    const again = await runCli(['dead-letters', 'retry', id, '--tenant', tenantId], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already resolved');
    expect(await service().get(tenantId, id)).toMatchObject({
      resolution: 'dismissed',
      resolutionNote: 'order refunded',
    });
  });
});
