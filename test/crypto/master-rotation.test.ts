import type { DataSource } from 'typeorm';
import { MasterKeyring } from '../../src/crypto';
import { createTestDataSource } from '../support/test-database';
import { createSealedTable, expectCryptoFailure, newId, newKey, readSealed, replica } from './crypto-fixture';

describe('master key rotation', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  const keyA = newKey();
  const keyB = newKey();
  const tenants = [newId(), newId()];
  const emails = new Map<string, Buffer>();
  let idA: string;
  let idB: string;

  beforeAll(async () => {
    ({ dataSource, close } = await createTestDataSource());
    await createSealedTable(dataSource);
    idA = (await MasterKeyring.fromKeys(keyA)).current().id;
    idB = (await MasterKeyring.fromKeys(keyB)).current().id;

    // Everything is first wrapped under master A, including a rotated tenant (two key versions).
    const a = await replica(dataSource, { current: keyA });
    for (const tenantId of tenants) {
      await a.transactions.run(async (tx) => {
        await a.tenantKeys.provisionTenant(tx, tenantId);
        const subjects = [newId(), newId(), newId()];
        const keys = await a.dataKeys.createDataKeys(
          tx,
          tenantId,
          subjects.map((subjectId) => ({ subjectId, purpose: 'order.pii' as const })),
        );
        for (const subjectId of subjects) {
          await tx.query(
            `INSERT INTO crypto_test_sealed (tenant_id, subject_id, purpose, ciphertext) VALUES ($1, $2, 'order.pii', $3)`,
            [tenantId, subjectId, keys.get(subjectId)!.seal('order.pii', Buffer.from(`pii of ${subjectId}`))],
          );
        }
        emails.set(tenantId, await a.blindIndex.emailIndex(tenantId, 'buyer@example.com', tx));
      });
    }
    await a.tenantKeys.rotateTenant(tenants[0]);
  });

  afterAll(async () => {
    await close();
  });

  /** Opens every stored payload and recomputes blind indexes with a freshly booted replica. */
  async function openEverything(keys: { current: Buffer; previous?: Buffer[] }) {
    const booted = await replica(dataSource, keys);
    const rows = await readSealed(dataSource);
    let opened = 0;
    for (const tenantId of tenants) {
      const mine = rows.filter((r) => r.tenant_id === tenantId);
      const handles = await booted.transactions.run((tx) =>
        booted.dataKeys.openDataKeys(
          tx,
          tenantId,
          mine.map((r) => r.subject_id),
        ),
      );
      for (const r of mine) {
        expect(handles.get(r.subject_id)!.open('order.pii', r.ciphertext).toString()).toBe(`pii of ${r.subject_id}`);
        opened++;
      }
      expect((await booted.blindIndex.emailIndex(tenantId, 'buyer@example.com')).equals(emails.get(tenantId)!)).toBe(
        true,
      );
    }
    return opened;
  }

  const wrappedCounts = async () =>
    Object.fromEntries(await (await replica(dataSource, { current: keyA })).tenantKeys.masterKeysInUse());

  it('runs in order: B current with A previous, rotate, then B alone', async () => {
    expect(await wrappedCounts()).toEqual({ [idA]: 5 }); // 3 tenant key versions + 2 index roots

    // A keyring holding only B cannot open anything wrapped under A: fail closed, and say why.
    const onlyB = await replica(dataSource, { current: keyB });
    const err = await expectCryptoFailure(() =>
      onlyB.transactions.run(async (tx) => {
        const [{ subject_id }] = await tx.query(`SELECT subject_id FROM data_keys WHERE tenant_id = $1 LIMIT 1`, [
          tenants[1],
        ]);
        return onlyB.dataKeys.openDataKey(tx, tenants[1], subject_id);
      }),
    );
    expect(err.message).toBe(
      `master key ${idA} is not in the keyring; keep it as a previous key until rotate-master has rewrapped every tenant key`,
    );
    await expectCryptoFailure(() => onlyB.blindIndex.emailIndex(tenants[0], 'buyer@example.com'));
    await expectCryptoFailure(() =>
      onlyB.transactions.run((tx) =>
        onlyB.dataKeys.createDataKeys(tx, tenants[1], [{ subjectId: newId(), purpose: 'order.pii' }]),
      ),
    );
    // ...and a rotation by it stops at the first row it cannot unwrap, rewrapping nothing.
    await expectCryptoFailure(() => onlyB.tenantKeys.rotateMaster());
    expect(await wrappedCounts()).toEqual({ [idA]: 5 });

    // B current, A previous: everything opens.
    expect(await openEverything({ current: keyB, previous: [keyA] })).toBe(6);

    const sealedBefore = await readSealed(dataSource);
    const dataKeysBefore = await dataSource.query(
      `SELECT subject_id, tenant_key_version, wrapped_key, xmin::text AS row_version FROM data_keys ORDER BY subject_id`,
    );
    const rotating = await replica(dataSource, { current: keyB, previous: [keyA] });
    expect(await rotating.tenantKeys.rotateMaster({ batchSize: 2 })).toEqual({
      masterKeyId: idB,
      tenantKeysRewrapped: 3,
      indexRootsRewrapped: 2,
      signingKeysRewrapped: 0,
      remaining: 0,
    });
    expect(await wrappedCounts()).toEqual({ [idB]: 5 });
    // Only key-encryption rows changed: payloads and data keys are byte-identical and untouched.
    expect(await readSealed(dataSource)).toEqual(sealedBefore);
    expect(
      await dataSource.query(
        `SELECT subject_id, tenant_key_version, wrapped_key, xmin::text AS row_version FROM data_keys ORDER BY subject_id`,
      ),
    ).toEqual(dataKeysBefore);

    // A second pass has nothing left to do.
    expect(await rotating.tenantKeys.rotateMaster()).toMatchObject({ tenantKeysRewrapped: 0, indexRootsRewrapped: 0 });

    // A may now leave the keyring.
    expect(await openEverything({ current: keyB })).toBe(6);

    // New tenants and keys from here on are wrapped under B only.
    const b = await replica(dataSource, { current: keyB });
    const tenantId = newId();
    await b.transactions.run((tx) => b.tenantKeys.provisionTenant(tx, tenantId));
    expect(await wrappedCounts()).toEqual({ [idB]: 7 });
  });
});
