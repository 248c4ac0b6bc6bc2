import { crypto_generichash } from 'libsodium-wrappers';
import type { DataSource } from 'typeorm';
import { normaliseEmail } from '../../src/crypto';
import { ErrorCodes } from '../../src/platform';
import { createTestDataSource } from '../support/test-database';
import { expectCode, expectCryptoFailure, newId, newKey, replica, StatementRecorder } from './crypto-fixture';

describe('blind indexes', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let recorder: StatementRecorder;
  const master = newKey();
  const tenantA = newId();
  const tenantB = newId();
  let services: Awaited<ReturnType<typeof replica>>;

  beforeAll(async () => {
    ({ dataSource, close } = await createTestDataSource());
    recorder = StatementRecorder.attach(dataSource);
    services = await replica(dataSource, { current: master });
    await services.transactions.run(async (tx) => {
      await services.tenantKeys.provisionTenant(tx, tenantA);
      await services.tenantKeys.provisionTenant(tx, tenantB);
    });
  });

  afterAll(async () => {
    await close();
  });

  it('normalises e-mails: trim, NFKC, lower case', async () => {
    expect(normaliseEmail(' Foo@Example.COM ')).toBe('foo@example.com');
    expect(normaliseEmail('ＦＯＯ@ｅｘａｍｐｌｅ.ｃｏｍ')).toBe('foo@example.com');
    const a = await services.blindIndex.emailIndex(tenantA, ' Foo@Example.COM ');
    const b = await services.blindIndex.emailIndex(tenantA, 'foo@example.com');
    const c = await services.blindIndex.emailIndex(tenantA, '\tＦＯＯ@ｅｘａｍｐｌｅ.ｃｏｍ\n');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(true);
    expect(a.equals(await services.blindIndex.emailIndex(tenantA, 'foo@example.org'))).toBe(false);
    await expectCode(() => services.blindIndex.emailIndex(tenantA, '   '), ErrorCodes.VALIDATION_FAILED);
  });

  it('differs between tenants and between index kinds', async () => {
    const email = 'buyer@example.com';
    const inA = await services.blindIndex.emailIndex(tenantA, email);
    const inB = await services.blindIndex.emailIndex(tenantB, email);
    expect(inA.equals(inB)).toBe(false);
    const content = await services.blindIndex.contentHash(tenantA, Buffer.from(email));
    expect(content.equals(inA)).toBe(false);
    // Keyed: not the plain BLAKE2b of the value, which anyone could compute from a guessed e-mail.
    expect(content.equals(Buffer.from(crypto_generichash(32, Buffer.from(email), null)))).toBe(false);
  });

  it('indexes buyer ids per marketplace, case-insensitive in the marketplace only, without ambiguity', async () => {
    const idx = (m: string, b: string) => services.blindIndex.buyerIdIndex(tenantA, m, b);
    expect((await idx('ebay', 'jane_doe')).equals(await idx(' EBAY ', ' jane_doe '))).toBe(true);
    expect((await idx('ebay', 'jane_doe')).equals(await idx('ebay', 'Jane_Doe'))).toBe(false);
    expect((await idx('ebay', 'jane_doe')).equals(await idx('amazon', 'jane_doe'))).toBe(false);
    expect((await idx('ab', 'c')).equals(await idx('a', 'bc'))).toBe(false);
  });

  it('content hashes are deterministic per tenant and change with the content', async () => {
    const order = Buffer.from('{"orderId":"1","total":"9.99"}');
    const first = await services.blindIndex.contentHash(tenantA, order);
    expect(first).toHaveLength(32);
    expect(first.equals(await services.blindIndex.contentHash(tenantA, Buffer.from(order)))).toBe(true);
    expect(
      first.equals(await services.blindIndex.contentHash(tenantA, Buffer.from('{"orderId":"1","total":"9.98"}'))),
    ).toBe(false);
    expect(first.equals(await services.blindIndex.contentHash(tenantB, order))).toBe(false);
  });

  it('warm indexing runs no query; a batch indexer is synchronous', async () => {
    await services.blindIndex.emailIndex(tenantA, 'warm@example.com');
    const values = await recorder.record(async () => {
      const indexer = await services.blindIndex.indexerFor(tenantA);
      return Array.from({ length: 100 }, (_, i) => indexer.email(`buyer${i}@example.com`));
    });
    expect(recorder.statements).toEqual([]);
    expect(new Set(values.map((v) => v.toString('hex'))).size).toBe(100);
    expect(JSON.stringify(await services.blindIndex.indexerFor(tenantA))).toBe(JSON.stringify({ tenantId: tenantA }));
  });

  it('inside a transaction, the first lookup reads the root through that transaction', async () => {
    const cold = await replica(dataSource, { current: master });
    const viaTx = await cold.transactions.run((tx) => cold.blindIndex.emailIndex(tenantA, 'x@example.com', tx));
    expect(viaTx.equals(await services.blindIndex.emailIndex(tenantA, 'x@example.com'))).toBe(true);
  });

  it('is stable across tenant key rotation, master key rotation and restarts', async () => {
    const email = ' Stable@Example.com';
    const before = await services.blindIndex.emailIndex(tenantA, email);
    const buyerBefore = await services.blindIndex.buyerIdIndex(tenantA, 'amazon', 'A1B2C3');
    await services.tenantKeys.rotateTenant(tenantA);
    const masterB = newKey();
    const rotated = await replica(dataSource, { current: masterB, previous: [master] });
    await rotated.tenantKeys.rotateMaster();
    const onlyB = await replica(dataSource, { current: masterB }); // a restart with the old key gone
    expect((await onlyB.blindIndex.emailIndex(tenantA, email)).equals(before)).toBe(true);
    expect((await onlyB.blindIndex.buyerIdIndex(tenantA, 'amazon', 'A1B2C3')).equals(buyerBefore)).toBe(true);
  });

  it('fails closed for a tenant without an index root', async () => {
    const err = await expectCryptoFailure(() => services.blindIndex.emailIndex(newId(), 'a@b.c'));
    expect(err.message).toMatch(/has no blind-index key \(not provisioned\)/);
  });

  it('a provisioning transaction that rolled back leaves no stale index key behind', async () => {
    const tenant = newId();
    const masterNow = newKey();
    const mine = await replica(dataSource, { current: masterNow });
    await expect(
      mine.transactions.run(async (tx) => {
        await mine.tenantKeys.provisionTenant(tx, tenant);
        await mine.blindIndex.emailIndex(tenant, 'a@example.com', tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const retried = await mine.transactions.run(async (tx) => {
      await mine.tenantKeys.provisionTenant(tx, tenant);
      return mine.blindIndex.emailIndex(tenant, 'a@example.com', tx);
    });
    const cold = await replica(dataSource, { current: masterNow });
    expect(retried.equals(await cold.blindIndex.emailIndex(tenant, 'a@example.com'))).toBe(true);
  });
});
