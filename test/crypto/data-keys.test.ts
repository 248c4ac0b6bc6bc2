import { inspect } from 'node:util';
import type { DataSource } from 'typeorm';
import { DATA_PURPOSES, readEnvelopeHeader, type DataKeyHandle, type DataPurpose } from '../../src/crypto';
import { ErrorCodes } from '../../src/platform';
import { createTestDataSource } from '../support/test-database';
import { expectCode, expectCryptoFailure, newId, newKey, replica, StatementRecorder } from './crypto-fixture';

describe('data keys and sealing', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  let recorder: StatementRecorder;
  const master = newKey();
  let services: Awaited<ReturnType<typeof replica>>;
  const tenantA = newId();
  const tenantB = newId();

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

  const create = (tenantId: string, subjects: { subjectId: string; purpose: DataPurpose }[]) =>
    services.transactions.run((tx) => services.dataKeys.createDataKeys(tx, tenantId, subjects));
  const createOne = async (tenantId: string, purpose: DataPurpose = 'order.pii', subjectId = newId()) =>
    (await create(tenantId, [{ subjectId, purpose }])).get(subjectId)!;

  it('provisioning is idempotent: one key version and one index root per tenant', async () => {
    const again = await services.transactions.run((tx) => services.tenantKeys.provisionTenant(tx, tenantA));
    expect(again).toEqual({ created: false });
    const [{ keys }] = await dataSource.query(`SELECT count(*)::int AS keys FROM tenant_keys WHERE tenant_id = $1`, [
      tenantA,
    ]);
    const [{ roots }] = await dataSource.query(
      `SELECT count(*)::int AS roots FROM tenant_index_keys WHERE tenant_id = $1`,
      [tenantA],
    );
    expect({ keys, roots }).toEqual({ keys: 1, roots: 1 });
  });

  it.each(DATA_PURPOSES)('round-trips bytes and JSON for purpose %s, also through a cold replica', async (purpose) => {
    const subjectId = newId();
    const handle = await createOne(tenantA, purpose, subjectId);
    const bytes = Buffer.from('Jane Doe, 1 Main St, jane@example.com', 'utf8');
    const sealed = handle.seal(purpose, bytes);
    const sealedJson = handle.sealJson(purpose, { name: 'Jane Doe', lines: ['1 Main St'], n: 3 });

    expect(sealed.includes(bytes)).toBe(false);
    expect(sealed.length).toBe(bytes.length + 48);
    expect(readEnvelopeHeader(sealed)).toEqual({ formatVersion: 1, kind: 1, keyVersion: 1 });
    expect(handle.open(purpose, sealed)).toEqual(bytes);

    const cold = await replica(dataSource, { current: master });
    const reopened = await cold.transactions.run((tx) => cold.dataKeys.openDataKey(tx, tenantA, subjectId));
    expect(reopened.keyPurpose).toBe(purpose);
    expect(reopened.open(purpose, sealed)).toEqual(bytes);
    expect(reopened.openJson(purpose, sealedJson)).toEqual({ name: 'Jane Doe', lines: ['1 Main St'], n: 3 });
  });

  it('seals the same plaintext differently every time (random nonces)', async () => {
    const handle = await createOne(tenantA);
    const a = handle.seal('order.pii', Buffer.from('same'));
    const b = handle.seal('order.pii', Buffer.from('same'));
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(8, 32).equals(b.subarray(8, 32))).toBe(false);
  });

  it('a ciphertext moved to another subject, tenant or purpose fails closed', async () => {
    const subjectId = newId();
    const original = await createOne(tenantA, 'order.pii', subjectId);
    const otherSubject = await createOne(tenantA, 'order.pii');
    // Same subject id under another tenant: only the tenant differs.
    const otherTenant = await createOne(tenantB, 'order.pii', subjectId);
    const sealed = original.seal('order.pii', Buffer.from('secret buyer data'));

    for (const attempt of [
      () => otherSubject.open('order.pii', sealed),
      () => otherTenant.open('order.pii', sealed),
      () => original.open('dead_letter.payload', sealed),
      () => original.open('connection.credentials', sealed),
    ]) {
      const err = await expectCryptoFailure(attempt);
      expect(err.message).toMatch(/failed authentication/);
      expect(err.message).not.toMatch(/secret buyer data/);
    }
    expect(original.open('order.pii', sealed).toString()).toBe('secret buyer data');
  });

  it('one flipped bit anywhere in a ciphertext fails closed', async () => {
    const handle = await createOne(tenantA);
    const sealed = handle.seal('order.pii', Buffer.from('{"email":"a@b.c"}'));
    let failures = 0;
    for (let byte = 0; byte < sealed.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const tampered = Buffer.from(sealed);
        tampered[byte] ^= 1 << bit;
        const err = await expectCryptoFailure(() => handle.open('order.pii', tampered));
        expect(err.code).toBe(ErrorCodes.CRYPTO_FAILURE);
        failures++;
      }
    }
    expect(failures).toBe(sealed.length * 8);
  });

  it('truncated ciphertexts, unknown format versions, foreign magic and unknown key versions fail closed', async () => {
    const handle = await createOne(tenantA);
    const sealed = handle.seal('order.pii', Buffer.from('payload'));
    for (const length of [0, 1, 3, 7, 8, 31, 32, 47]) {
      const err = await expectCryptoFailure(() => handle.open('order.pii', sealed.subarray(0, length)));
      expect(err.message).toBe('ciphertext is truncated');
    }
    // Long enough to parse, short of the full tag.
    await expectCryptoFailure(() => handle.open('order.pii', sealed.subarray(0, sealed.length - 1)));

    const futureFormat = Buffer.from(sealed);
    futureFormat[2] = 2;
    expect((await expectCryptoFailure(() => handle.open('order.pii', futureFormat))).message).toBe(
      'unsupported ciphertext format version 2',
    );

    const foreign = Buffer.from(sealed);
    foreign.write('XX', 0);
    expect((await expectCryptoFailure(() => handle.open('order.pii', foreign))).message).toBe(
      'not an ordervault ciphertext',
    );

    const otherVersion = Buffer.from(sealed);
    otherVersion.writeUInt32BE(7, 4);
    expect((await expectCryptoFailure(() => handle.open('order.pii', otherVersion))).message).toBe(
      'ciphertext names key version 7, expected 1',
    );

    const wrongKind = Buffer.from(sealed);
    wrongKind[3] = 2;
    expect((await expectCryptoFailure(() => handle.open('order.pii', wrongKind))).message).toBe(
      'ciphertext is of the wrong kind',
    );
  });

  it('a destroyed data key shreds the ciphertext: absent from openDataKeys, openDataKey fails closed', async () => {
    const subjectId = newId();
    const keep = newId();
    const keys = await create(tenantA, [
      { subjectId, purpose: 'order.pii' },
      { subjectId: keep, purpose: 'order.pii' },
    ]);
    const sealed = keys.get(subjectId)!.seal('order.pii', Buffer.from('to be forgotten'));

    const destroyed = await services.transactions.run((tx) =>
      services.dataKeys.destroyDataKeys(tx, tenantA, [subjectId, subjectId, newId()]),
    );
    expect(destroyed).toBe(1);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM data_keys WHERE subject_id = $1`, [
      subjectId,
    ]);
    expect(n).toBe(0);

    const cold = await replica(dataSource, { current: master });
    const opened = await cold.transactions.run((tx) => cold.dataKeys.openDataKeys(tx, tenantA, [subjectId, keep]));
    expect([...opened.keys()]).toEqual([keep]);
    const err = await expectCryptoFailure(() =>
      cold.transactions.run((tx) => cold.dataKeys.openDataKey(tx, tenantA, subjectId)),
    );
    expect(err.message).toBe(`no data key for subject ${subjectId} (destroyed or never created)`);
    // Another subject's key cannot stand in for it.
    await expectCryptoFailure(() => opened.get(keep)!.open('order.pii', sealed));
  });

  it('a tampered wrapped data key fails the whole batch instead of returning partial results', async () => {
    const good = newId();
    const bad = newId();
    await create(tenantA, [
      { subjectId: good, purpose: 'order.pii' },
      { subjectId: bad, purpose: 'order.pii' },
    ]);
    await dataSource.query(
      `UPDATE data_keys SET wrapped_key = set_byte(wrapped_key, 40, get_byte(wrapped_key, 40) # 1) WHERE subject_id = $1`,
      [bad],
    );
    const err = await expectCryptoFailure(() =>
      services.transactions.run((tx) => services.dataKeys.openDataKeys(tx, tenantA, [good, bad])),
    );
    expect(err.message).toMatch(/failed authentication/);

    // A wrapped key moved to another subject's row fails too (AAD binds the subject).
    const third = newId();
    await create(tenantA, [{ subjectId: third, purpose: 'order.pii' }]);
    await dataSource.query(
      `UPDATE data_keys SET wrapped_key = (SELECT wrapped_key FROM data_keys WHERE subject_id = $1) WHERE subject_id = $2`,
      [good, third],
    );
    await expectCryptoFailure(() =>
      services.transactions.run((tx) => services.dataKeys.openDataKeys(tx, tenantA, [third])),
    );

    // So does a relabelled purpose.
    await dataSource.query(`UPDATE data_keys SET purpose = 'dead_letter.payload' WHERE subject_id = $1`, [good]);
    await expectCryptoFailure(() =>
      services.transactions.run((tx) => services.dataKeys.openDataKeys(tx, tenantA, [good])),
    );
  });

  it('a data key naming a tenant key version that does not exist fails closed', async () => {
    const subjectId = newId();
    await createOne(tenantA, 'order.pii', subjectId);
    await dataSource.query(`UPDATE data_keys SET tenant_key_version = 99 WHERE subject_id = $1`, [subjectId]);
    const err = await expectCryptoFailure(() =>
      services.transactions.run((tx) => services.dataKeys.openDataKey(tx, tenantA, subjectId)),
    );
    expect(err.message).toBe(`tenant key version 99 of tenant ${tenantA} does not exist`);
  });

  it('creates, opens and destroys 100 keys with one INSERT, one SELECT and one DELETE', async () => {
    const subjects = Array.from({ length: 100 }, (_, i) => ({
      subjectId: newId(),
      purpose: DATA_PURPOSES[i % DATA_PURPOSES.length],
    }));
    const ids = subjects.map((s) => s.subjectId);
    await createOne(tenantB); // warms this replica's current-version cache, as a running ingester's is

    const created = await services.transactions.run((tx) =>
      recorder.record(() => services.dataKeys.createDataKeys(tx, tenantB, subjects)),
    );
    expect(recorder.verbs()).toEqual(['INSERT']);
    expect(created.size).toBe(100);

    const sealed = new Map(ids.map((id) => [id, created.get(id)!.sealJson('order.pii', { id })]));

    const cold = await replica(dataSource, { current: master });
    const opened = await cold.transactions.run((tx) =>
      recorder.record(() => cold.dataKeys.openDataKeys(tx, tenantB, ids)),
    );
    expect(recorder.verbs()).toEqual(['SELECT']);
    expect(opened.size).toBe(100);
    for (const { subjectId, purpose } of subjects) {
      const handle = opened.get(subjectId)!;
      expect(handle.keyPurpose).toBe(purpose);
      expect(handle.openJson('order.pii', sealed.get(subjectId)!)).toEqual({ id: subjectId });
    }

    const destroyed = await services.transactions.run((tx) =>
      recorder.record(() => services.dataKeys.destroyDataKeys(tx, tenantB, ids)),
    );
    expect(recorder.verbs()).toEqual(['DELETE']);
    expect(destroyed).toBe(100);
    const after = await services.transactions.run((tx) => services.dataKeys.openDataKeys(tx, tenantB, ids));
    expect(after.size).toBe(0);
  });

  it('a cold replica creates keys with one SELECT of the current tenant key and one INSERT', async () => {
    const cold = await replica(dataSource, { current: master });
    await cold.transactions.run((tx) =>
      recorder.record(() =>
        cold.dataKeys.createDataKeys(
          tx,
          tenantA,
          Array.from({ length: 10 }, () => ({ subjectId: newId(), purpose: 'order.pii' as const })),
        ),
      ),
    );
    expect(recorder.verbs()).toEqual(['SELECT', 'INSERT']);
  });

  it('seals and opens 1,000 small payloads', async () => {
    const handles = await create(
      tenantA,
      Array.from({ length: 10 }, () => ({ subjectId: newId(), purpose: 'order.pii' as const })),
    );
    const list: DataKeyHandle[] = [...handles.values()];
    const sealed: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      sealed.push(list[i % list.length].sealJson('order.pii', { i, email: `buyer${i}@example.com` }));
    }
    expect(new Set(sealed.map((s) => s.toString('base64'))).size).toBe(1000);
    sealed.forEach((s, i) => {
      expect(list[i % list.length].openJson('order.pii', s)).toEqual({ i, email: `buyer${i}@example.com` });
    });
  });

  it('handles never show their key in JSON or inspection', async () => {
    const handle = await createOne(tenantA);
    expect(JSON.parse(JSON.stringify(handle))).toEqual({
      tenantId: tenantA,
      subjectId: handle.subjectId,
      keyPurpose: 'order.pii',
    });
    expect(Object.values(handle).some((v) => v instanceof Uint8Array)).toBe(false);
    expect(inspect(handle)).toBe(`DataKeyHandle(${tenantA}/${handle.subjectId})`);
  });

  it('normalises id case so a key created with upper-case ids opens from the stored row', async () => {
    const subjectId = newId();
    const upper = subjectId.toUpperCase();
    const handle = (await create(tenantA.toUpperCase(), [{ subjectId: upper, purpose: 'order.pii' }])).get(upper)!;
    const sealed = handle.seal('order.pii', Buffer.from('x'));
    const opened = await services.transactions.run((tx) => services.dataKeys.openDataKeys(tx, tenantA, [subjectId]));
    expect(opened.get(subjectId)!.open('order.pii', sealed).toString()).toBe('x');
  });

  it('rejects unknown purposes, bad ids, duplicates, existing keys and unprovisioned tenants', async () => {
    await expectCode(
      () => create(tenantA, [{ subjectId: newId(), purpose: 'order' as DataPurpose }]),
      'validation_failed',
    );
    await expectCode(() => create(tenantA, [{ subjectId: 'order-1', purpose: 'order.pii' }]), 'validation_failed');
    const dup = newId();
    await expectCode(
      () =>
        create(tenantA, [
          { subjectId: dup, purpose: 'order.pii' },
          { subjectId: dup.toUpperCase(), purpose: 'order.pii' },
        ]),
      'validation_failed',
    );
    const existing = newId();
    await createOne(tenantA, 'order.pii', existing);
    await expectCode(() => create(tenantA, [{ subjectId: existing, purpose: 'order.pii' }]), 'conflict');
    const err = await expectCryptoFailure(() => create(newId(), [{ subjectId: newId(), purpose: 'order.pii' }]));
    expect(err.message).toMatch(/has no encryption key \(not provisioned\)/);
    const handle = await createOne(tenantA);
    await expectCode(() => handle.seal('nope' as DataPurpose, Buffer.from('x')), 'validation_failed');
  });

  it('a tenant provisioned in a rolled-back transaction and provisioned again gets working keys', async () => {
    const tenant = newId();
    const subjectId = newId();
    await expect(
      services.transactions.run(async (tx) => {
        await services.tenantKeys.provisionTenant(tx, tenant);
        await services.dataKeys.createDataKeys(tx, tenant, [{ subjectId, purpose: 'order.pii' }]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    // Same replica, same tenant id: its caches saw keys that never committed.
    const sealed = await services.transactions.run(async (tx) => {
      await services.tenantKeys.provisionTenant(tx, tenant);
      const keys = await services.dataKeys.createDataKeys(tx, tenant, [{ subjectId, purpose: 'order.pii' }]);
      return keys.get(subjectId)!.seal('order.pii', Buffer.from('after retry'));
    });
    const cold = await replica(dataSource, { current: master });
    const handle = await cold.transactions.run((tx) => cold.dataKeys.openDataKey(tx, tenant, subjectId));
    expect(handle.open('order.pii', sealed).toString()).toBe('after retry');
  });

  it('a replica whose cached current key is stale re-reads it inside the INSERT guard', async () => {
    const masterB = newKey();
    const mine = await replica(dataSource, { current: master, previous: [masterB] });
    const other = await replica(dataSource, { current: masterB, previous: [master] });
    const tenant = newId();
    await mine.transactions.run((tx) => mine.tenantKeys.provisionTenant(tx, tenant));
    await mine.transactions.run((tx) =>
      mine.dataKeys.createDataKeys(tx, tenant, [{ subjectId: newId(), purpose: 'order.pii' }]),
    ); // caches v1 with the wrapped bytes it was read from
    // Another replica rewraps v1 under another master key: same key material, different wrapped bytes.
    await other.tenantKeys.rotateMaster();
    try {
      const subjectId = newId();
      const keys = await mine.transactions.run((tx) =>
        recorder.record(() => mine.dataKeys.createDataKeys(tx, tenant, [{ subjectId, purpose: 'order.pii' }])),
      );
      // The first INSERT's guard matches no tenant key row, so it inserts nothing; re-read, insert again.
      expect(recorder.verbs()).toEqual(['INSERT', 'SELECT', 'INSERT']);
      const sealed = keys.get(subjectId)!.seal('order.pii', Buffer.from('ok'));
      const opened = await other.transactions.run((tx) => other.dataKeys.openDataKey(tx, tenant, subjectId));
      expect(opened.open('order.pii', sealed).toString()).toBe('ok');
    } finally {
      await mine.tenantKeys.rotateMaster(); // back under `master` for the rest of this file
    }
  });
});
