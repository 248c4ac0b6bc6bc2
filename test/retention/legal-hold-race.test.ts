import { LegalHoldsService } from '../../src/retention';
import { TransactionManager } from '../../src/platform/database/transaction-manager';
import { startTestApp, type TestApp } from '../support/test-app';
import { usingServer } from '../support/test-database';
import { sql } from './retention-fixture';

/**
 * A hold placed while a destruction batch is running waits for that batch (which read the holds before it
 * claimed anything) instead of committing beside it unseen. Needs a server: two sessions at once.
 */
(usingServer() ? describe : describe.skip)('a legal hold placed during a destruction batch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('waits for the batch to commit, then commits', async () => {
    const tenantId = await t.tenant('Race');
    const owner = (await t.seller(tenantId, ['retention:manage'])).auth;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let readHolds!: () => void;
    const holdsRead = new Promise<void>((r) => (readHolds = r));
    // A batch's transaction: holds read under the shared lock, then (here) kept open.
    const batch = t.app.get(TransactionManager).run(async (tx) => {
      const held = await t.app.get(LegalHoldsService).heldForSweep(tx, tenantId, t.clock.now());
      readHolds();
      await gate;
      return held;
    });
    await holdsRead;
    let answered = false;
    const placing = t
      .http()
      .post('/v1/legal-holds')
      .set(owner)
      .send({ reason: 'Litigation', requester: 'Counsel', expiresAt: '2027-01-01T00:00:00Z' })
      .then((r) => {
        answered = true;
        return r;
      });
    // Wait (on a condition, not a timer) until the placement is queued behind the batch's lock.
    for (;;) {
      const [{ n }] = await sql<{ n: number }>(
        t.app,
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      if (n > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    expect(answered).toBe(false);
    release();
    expect((await batch).wholeTenant).toBe(false);
    expect((await placing).status).toBe(201);
  });
});
