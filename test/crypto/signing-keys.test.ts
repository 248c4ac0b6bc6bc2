import { NestFactory } from '@nestjs/core';
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import {
  MasterKeyring,
  readEnvelopeHeader,
  SigningKeyService,
  signingKeyIdOf,
  TenantKeyService,
  verifyEd25519,
  parseEd25519PublicKey,
} from '../../src/crypto';
import { DataKeysRepository } from '../../src/crypto/data-keys.repository';
import { SigningKeysRepository } from '../../src/crypto/signing-keys.repository';
import { TenantKeyStore } from '../../src/crypto/tenant-key-store';
import { TenantKeysRepository } from '../../src/crypto/tenant-keys.repository';
import { ManualClock, TransactionManager } from '../../src/platform';
import { testConfig } from '../support/test-config';
import { createTestDataSource, createTestDatabase } from '../support/test-database';
import { expectCryptoFailure, newKey, silentLogger } from './crypto-fixture';

const message = Buffer.from(
  'ordervault/audit/checkpoint/v1\n1\n2026-11-02T10:00:00.000Z\n0\n' + '00'.repeat(32) + '\n',
);

function nodeVerify(publicKey: Buffer, msg: Buffer, signature: Buffer): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') },
    format: 'jwk',
  });
  return verify(null, msg, key, signature);
}

describe('signing keys (Ed25519, sealed by the master key)', () => {
  let dataSource: DataSource;
  let close: () => Promise<void>;
  const keyA = newKey();
  const keyB = newKey();
  const clock = new ManualClock('2026-11-02T10:00:00Z');

  async function signer(keys: Buffer[]) {
    const transactions = new TransactionManager(dataSource);
    const keyring = await MasterKeyring.fromKeys(keys[0], keys.slice(1));
    return {
      transactions,
      keyring,
      service: new SigningKeyService(keyring, new SigningKeysRepository(), transactions, clock),
    };
  }

  const rows = (): Promise<
    Array<{
      key_id: string;
      purpose: string;
      public_key: Buffer;
      wrapped_secret_key: Buffer;
      master_key_id: string;
      retired_at: Date | null;
    }>
  > => dataSource.query(`SELECT * FROM signing_keys ORDER BY created_at, key_id`);

  beforeAll(async () => {
    ({ dataSource, close } = await createTestDataSource());
  });
  afterAll(() => close());

  it('creates one key on first use, even when replicas race, and publishes only its public half', async () => {
    const replicas = await Promise.all([signer([keyA]), signer([keyA]), signer([keyA])]);
    const signed = await Promise.all(
      replicas.map((r) => r.transactions.run((tx) => r.service.sign(tx, 'audit.checkpoint', message))),
    );
    expect(new Set(signed.map((s) => s.keyId)).size).toBe(1);
    const stored = await rows();
    expect(stored).toHaveLength(1);
    const [row] = stored;
    expect(row.key_id).toBe(signed[0].keyId);
    expect(row.key_id).toBe(createHash('sha256').update(row.public_key).digest().subarray(0, 16).toString('hex'));
    expect(signingKeyIdOf(row.public_key)).toBe(row.key_id);
    expect(row.master_key_id).toBe((await MasterKeyring.fromKeys(keyA)).current().id);
    // The secret is an envelope of the signing-key kind: 32-byte seed + 48 bytes of envelope.
    expect(readEnvelopeHeader(row.wrapped_secret_key)).toMatchObject({ kind: 5, keyVersion: 1 });
    expect(row.wrapped_secret_key).toHaveLength(32 + 48);
    // Signatures verify with an independent Ed25519 (Node/OpenSSL), and only for the signed bytes.
    for (const s of signed) {
      expect(nodeVerify(row.public_key, message, s.signature)).toBe(true);
      expect(verifyEd25519(row.public_key, message, s.signature)).toBe(true);
      expect(verifyEd25519(row.public_key, Buffer.concat([message, Buffer.from('x')]), s.signature)).toBe(false);
    }
    const published = await replicas[0].service.published('audit.checkpoint');
    expect(published).toEqual([
      expect.objectContaining({ keyId: row.key_id, algorithm: 'Ed25519', publicKey: row.public_key, retiredAt: null }),
    ]);
    expect(JSON.stringify(published)).not.toContain(row.wrapped_secret_key.toString('hex'));
    expect(parseEd25519PublicKey(row.public_key.toString('base64')).equals(row.public_key)).toBe(true);
    expect(parseEd25519PublicKey(row.public_key.toString('hex')).equals(row.public_key)).toBe(true);
    expect(() => parseEd25519PublicKey('not a key')).toThrow(/Ed25519/);
  });

  it('fails closed: without the master key, with a wrapped secret moved to another key, or a swapped public key', async () => {
    const stranger = await signer([keyB]);
    await expectCryptoFailure(() =>
      stranger.transactions.run((tx) => stranger.service.sign(tx, 'audit.checkpoint', message)),
    );
    const [first] = await rows();
    const second = await (await signer([keyA])).service.rotate('audit.checkpoint');
    const secondRow = (await rows()).find((r) => r.key_id === second.keyId)!;
    expect(secondRow.key_id).not.toBe(first.key_id);

    // The first key's wrapped secret copied onto the second key's row: the AAD binds the key id, so it does not open.
    await dataSource.query(`UPDATE signing_keys SET wrapped_secret_key = $1 WHERE key_id = $2`, [
      first.wrapped_secret_key,
      second.keyId,
    ]);
    const copied = await signer([keyA]);
    await expectCryptoFailure(() =>
      copied.transactions.run((tx) => copied.service.sign(tx, 'audit.checkpoint', message)),
    );

    // The second key's own secret, but the first key's public key published on its row: refused before signing.
    await dataSource.query(`UPDATE signing_keys SET wrapped_secret_key = $1, public_key = $2 WHERE key_id = $3`, [
      secondRow.wrapped_secret_key,
      first.public_key,
      second.keyId,
    ]);
    const swapped = await signer([keyA]);
    const err = await expectCryptoFailure(() =>
      swapped.transactions.run((tx) => swapped.service.sign(tx, 'audit.checkpoint', message)),
    );
    expect(err.message).toMatch(/does not match its published public key/);
    await dataSource.query(`DELETE FROM signing_keys`); // clean slate for the next test
  });

  it('rotation makes a new key and keeps the old one published to verify what it signed', async () => {
    const r = await signer([keyA]);
    const first = await r.service.current('audit.checkpoint');
    const before = await r.transactions.run((tx) => r.service.sign(tx, 'audit.checkpoint', message));
    clock.advance(60_000);
    const second = await r.service.rotate('audit.checkpoint');
    const after = await r.transactions.run((tx) => r.service.sign(tx, 'audit.checkpoint', message));
    expect(before.keyId).toBe(first.keyId);
    expect(after.keyId).toBe(second.keyId);
    expect(second.keyId).not.toBe(first.keyId);
    const published = await r.service.published('audit.checkpoint');
    expect(published.map((k) => [k.keyId, k.retiredAt !== null])).toEqual([
      [first.keyId, true],
      [second.keyId, false],
    ]);
    expect(verifyEd25519(first.publicKey, message, before.signature)).toBe(true);
    expect(verifyEd25519(second.publicKey, message, after.signature)).toBe(true);
  });

  it('master rotation rewraps signing keys; the same keys sign afterwards under the new master key alone', async () => {
    const idB = (await MasterKeyring.fromKeys(keyB)).current().id;
    const rotating = await signer([keyB, keyA]);
    const tenantKeyRows = new TenantKeysRepository();
    const tenantKeys = new TenantKeyService(
      new TenantKeyStore(rotating.keyring, tenantKeyRows, clock),
      tenantKeyRows,
      new DataKeysRepository(),
      new SigningKeysRepository(),
      rotating.transactions,
      silentLogger(),
      rotating.service,
    );
    const keysBefore = (await rows()).map((r) => [r.key_id, r.public_key.toString('hex')]);
    // Nothing rewraps them until a rotation pass runs: both signing keys still sit under A.
    expect(Object.fromEntries(await tenantKeys.masterKeysInUse())).toEqual({
      [(await MasterKeyring.fromKeys(keyA)).current().id]: 2,
    });

    expect(await tenantKeys.rotateMaster({ batchSize: 1 })).toEqual({
      masterKeyId: idB,
      tenantKeysRewrapped: 0,
      indexRootsRewrapped: 0,
      signingKeysRewrapped: 2,
      remaining: 0,
    });
    expect((await rows()).map((r) => r.master_key_id)).toEqual([idB, idB]);
    expect((await rows()).map((r) => [r.key_id, r.public_key.toString('hex')])).toEqual(keysBefore);
    const onlyB = await signer([keyB]);
    const s = await onlyB.transactions.run((tx) => onlyB.service.sign(tx, 'audit.checkpoint', message));
    const current = await onlyB.service.current('audit.checkpoint');
    expect(s.keyId).toBe(current.keyId);
    expect(verifyEd25519(current.publicKey, message, s.signature)).toBe(true);
    expect(await tenantKeys.rotateMaster()).toMatchObject({ signingKeysRewrapped: 0, remaining: 0 });
  });
});

describe('signing keys in the Nest module', () => {
  it('CryptoModule provides SigningKeyService and master rotation uses it', async () => {
    const db = await createTestDatabase();
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config: testConfig(), database: db.target, logger: silentLogger() }),
      { logger: false },
    );
    try {
      const signing = app.get(SigningKeyService);
      const key = await signing.current('audit.checkpoint');
      expect(key.algorithm).toBe('Ed25519');
      expect(await app.get(TenantKeyService).rotateMaster()).toMatchObject({ signingKeysRewrapped: 0, remaining: 0 });
    } finally {
      await app.close();
      await db.close();
    }
  });
});
