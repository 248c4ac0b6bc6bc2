import type { DataSource } from 'typeorm';
import { ErrorCodes } from '../../src/platform';
import { createTestDataSource } from '../support/test-database';
import { createSealedTable, expectCode, newId, newKey, readSealed, replica } from './crypto-fixture';

describe('tenant key destruction', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  const master = newKey();

  beforeAll(async () => {
    ({ dataSource, close } = await createTestDataSource());
    await createSealedTable(dataSource);
  });

  afterAll(async () => {
    await close();
  });

  async function seal(services: Awaited<ReturnType<typeof replica>>, tenantId: string, subjectId: string) {
    await services.transactions.run(async (tx) => {
      const keys = await services.dataKeys.createDataKeys(tx, tenantId, [{ subjectId, purpose: 'order.pii' }]);
      await tx.query(
        `INSERT INTO crypto_test_sealed (tenant_id, subject_id, purpose, ciphertext) VALUES ($1, $2, 'order.pii', $3)`,
        [tenantId, subjectId, keys.get(subjectId)!.sealJson('order.pii', { subjectId })],
      );
    });
  }

  const openOn = async (services: Awaited<ReturnType<typeof replica>>, tenantId: string, subjectId: string) => {
    const row = (await readSealed(dataSource)).find((r) => r.subject_id === subjectId)!;
    const key = await services.transactions.run((tx) => services.dataKeys.openDataKey(tx, tenantId, subjectId));
    return key.openJson<{ subjectId: string }>('order.pii', row.ciphertext);
  };

  it('makes everything sealed under the tenant unreadable at once, on warm and cold replicas, other tenants untouched', async () => {
    const warm = await replica(dataSource, { current: master });
    const tenantId = newId();
    const other = newId();
    await warm.transactions.run(async (tx) => {
      await warm.tenantKeys.provisionTenant(tx, tenantId);
      await warm.tenantKeys.provisionTenant(tx, other);
    });
    const mine = newId();
    const theirs = newId();
    await seal(warm, tenantId, mine);
    await seal(warm, other, theirs);
    // A rotation first, so there are two versions to destroy.
    await warm.tenantKeys.rotateTenant(tenantId);
    // Warm caches: the key and the blind index were in use just before.
    expect((await openOn(warm, tenantId, mine)).subjectId).toBe(mine);
    const indexBefore = await warm.blindIndex.emailIndex(tenantId, 'buyer@example.com');
    expect(indexBefore.length).toBeGreaterThan(0);

    const destroyed = await warm.transactions.run((tx) => warm.tenantKeys.destroyTenant(tx, tenantId));
    expect(destroyed).toEqual([`tenant-key:${tenantId}:v1`, `tenant-key:${tenantId}:v2`, `index-root:${tenantId}`]);

    const cold = await replica(dataSource, { current: master });
    for (const services of [warm, cold]) {
      await expectCode(() => openOn(services, tenantId, mine), ErrorCodes.CRYPTO_FAILURE);
      await expectCode(() => services.blindIndex.emailIndex(tenantId, 'buyer@example.com'), ErrorCodes.CRYPTO_FAILURE);
      expect((await openOn(services, other, theirs)).subjectId).toBe(theirs);
    }
    const left: { n: number }[] = await dataSource.query(
      `SELECT (SELECT count(*) FROM tenant_keys WHERE tenant_id = $1) + (SELECT count(*) FROM tenant_index_keys WHERE tenant_id = $1) AS n`,
      [tenantId],
    );
    expect(Number(left[0].n)).toBe(0);
    // Again: nothing left to destroy, nothing claimed.
    expect(await warm.transactions.run((tx) => warm.tenantKeys.destroyTenant(tx, tenantId))).toEqual([]);
  });

  it('another replica that had the tenant warm stops indexing it within the index-root TTL, and drops the keys', async () => {
    const here = await replica(dataSource, { current: master });
    const tenantId = newId();
    await here.transactions.run((tx) => here.tenantKeys.provisionTenant(tx, tenantId));
    const subject = newId();
    await seal(here, tenantId, subject);
    const elsewhere = await replica(dataSource, { current: master }, { crypto: { indexRootTtlMs: 10_000 } });
    const before = await elsewhere.blindIndex.emailIndex(tenantId, 'buyer@example.com');
    expect((await openOn(elsewhere, tenantId, subject)).subjectId).toBe(subject);

    await here.transactions.run((tx) => here.tenantKeys.destroyTenant(tx, tenantId));

    // Sealed data fails closed on the other replica at once (every open reads its key rows) ...
    await expectCode(() => openOn(elsewhere, tenantId, subject), ErrorCodes.CRYPTO_FAILURE);
    // ... and its cached blind-index keys are trusted for at most the TTL, then checked and dropped.
    elsewhere.clock.advance(9_000);
    expect((await elsewhere.blindIndex.emailIndex(tenantId, 'buyer@example.com')).equals(before)).toBe(true);
    elsewhere.clock.advance(1_001);
    await expectCode(() => elsewhere.blindIndex.emailIndex(tenantId, 'buyer@example.com'), ErrorCodes.CRYPTO_FAILURE);
    await expectCode(() => elsewhere.blindIndex.emailIndex(tenantId, 'buyer@example.com'), ErrorCodes.CRYPTO_FAILURE);
  });

  it('a tenant still provisioned keeps its blind-index keys past the TTL with one read of the root, not a new derivation', async () => {
    const services = await replica(dataSource, { current: master }, { crypto: { indexRootTtlMs: 1_000 } });
    const tenantId = newId();
    await services.transactions.run((tx) => services.tenantKeys.provisionTenant(tx, tenantId));
    const first = await services.blindIndex.indexerFor(tenantId);
    services.clock.advance(5_000);
    expect(await services.blindIndex.indexerFor(tenantId)).toBe(first);
  });
});
