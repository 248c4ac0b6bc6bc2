import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { Dispatcher } from '../../src/delivery/dispatch/dispatcher.service';
import { OrderIngestService } from '../../src/orders';
import { ManualClock } from '../../src/platform/clock/clock';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { canonicalOrder } from '../../src/sandbox/canonical-orders';
import { startCli } from '../support/cli-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { usingServer } from '../support/test-database';
import { Receiver, waitFor } from './support/receiver';

/**
 * The real CLI (`ordervault deliver --once`) in a child process claims a
 * delivery and posts it to a receiver that holds the request open; the child
 * is SIGKILLed mid-request. Once its lease lapses another dispatcher sends the
 * delivery again with the same webhook-id, and it is recorded as delivered
 * once. A child process needs a database it can reach, so this runs on a
 * PostgreSQL server (DATABASE_URL); embedded PGlite is one in-process session.
 */
(usingServer() ? describe : describe.skip)('a dispatcher killed mid-request', () => {
  const masterKey = randomBytes(32).toString('base64');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ovt-dispatch-kill-'));
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', ORDERVAULT_MASTER_KEY: masterKey },
      // Near real time: the receiver's library checks webhook-timestamp against its own clock.
      clock: new ManualClock(Date.now()),
    });
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is sent again by another dispatcher after the lease lapses, same webhook-id, delivered once', async () => {
    const db = t.app.get(DataSource);
    const tenantId = await t.tenant('Killed dispatcher');
    const owner = (await t.seller(tenantId, ['endpoints:manage'])).auth;
    const created = await t.http().post('/v1/endpoints').set(owner).send({ url: receiver.url }).expect(201);
    const { endpointId, secret } = created.body as { endpointId: string; secret: string };
    await t.app
      .get(TransactionManager)
      .run((tx) =>
        t.app
          .get(OrderIngestService)
          .ingestPage(tx, { tenantId, connectionId: '5b0c8a3e-1f0e-4c55-9d0e-2a8f3c1d7e02' }, [canonicalOrder(4242)]),
      );
    // The first request is held open (the child is killed while waiting for the answer); later ones succeed.
    receiver.answer = (_req, index) => (index === 0 ? 'hang' : { status: 204 });

    const child = startCli(['deliver', '--once', '--json'], {
      DATABASE_URL: t.db.url!,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ORDERVAULT_DATA_DIR: dataDir,
      ORDERVAULT_MASTER_KEY: masterKey,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_TIMEOUT_MS: '60000',
      SYNC_SCHEDULER_ENABLED: 'false',
    });
    let ended = false;
    void child.result.then(() => (ended = true));
    // A generous deadline: on a loaded machine the child's start-up alone can take tens of seconds.
    await waitFor(() => receiver.received.length === 1 || ended, 'the child to post the delivery', 150_000);
    if (ended) throw new Error(`the child ended before posting: ${(await child.result).stderr}`);
    const [held] = await db.query(
      `SELECT delivery_id, lease_owner, lease_expires_at, status, attempt_count FROM deliveries WHERE endpoint_id = $1`,
      [endpointId],
    );
    expect(held).toMatchObject({ status: 'pending', attempt_count: 0 });
    expect(held.lease_owner).toContain(`:${child.pid}:`);
    child.kill('SIGKILL');
    const result = await child.result;
    expect(result.signal).toBe('SIGKILL');

    // While the dead child's lease is live, nobody else takes the delivery.
    const dispatcher = t.app.get(Dispatcher);
    expect((await dispatcher.dispatchAllDue()).claimed).toBe(0);
    expect(receiver.received).toHaveLength(1);

    // Past the lease: another dispatcher sends it again.
    t.clock.set(new Date(held.lease_expires_at).getTime() + 1000);
    const sent = await dispatcher.dispatchAllDue();
    expect(sent).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const verifier = new Webhook(secret);
    for (const r of receiver.received) {
      expect(verifier.verify(r.body, r.headers as Record<string, string>)).toMatchObject({
        id: first.headers['webhook-id'],
      });
    }
    const [after] = await db.query(`SELECT status, attempt_count, lease_owner FROM deliveries WHERE delivery_id = $1`, [
      held.delivery_id,
    ]);
    expect(after).toEqual({ status: 'succeeded', attempt_count: 1, lease_owner: null });
    const attempts = await db.query(`SELECT status_code FROM delivery_attempts WHERE delivery_id = $1`, [
      held.delivery_id,
    ]);
    expect(attempts).toEqual([{ status_code: 204 }]);
  }, 240_000);
});
