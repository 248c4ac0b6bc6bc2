import { createHmac, timingSafeEqual } from 'node:crypto';
import { crypto_kdf_derive_from_key, ready } from 'libsodium-wrappers';
import { MasterKeyring } from '../../src/crypto';
import { expectCryptoFailure, newKey } from './crypto-fixture';

/** The documented derivation, recomputed with libsodium directly: pins the tag format across releases. */
function expectedMac(raw: Buffer, context: string, message: string): Buffer {
  const root = crypto_kdf_derive_from_key(32, 1, 'ovmacrt1', raw);
  const subkey = crypto_kdf_derive_from_key(32, 1, context, root);
  return createHmac('sha256', subkey).update(message).digest();
}

describe('master keyring: purpose MACs', () => {
  beforeAll(async () => {
    await ready;
  });

  it('is HMAC-SHA256 under a crypto_kdf subkey of the master key, per context, identical on every replica', async () => {
    const raw = newKey();
    const replicaA = await MasterKeyring.fromKeys(raw);
    const replicaB = await MasterKeyring.fromKeys(Buffer.from(raw));

    const [tag] = replicaA.macs('oauthst1', 'payload');

    expect(tag).toHaveLength(32);
    expect(tag.equals(expectedMac(raw, 'oauthst1', 'payload'))).toBe(true);
    expect(replicaB.macs('oauthst1', 'payload')[0].equals(tag)).toBe(true);
    // Neither the raw key nor the kdf root is the HMAC key.
    expect(tag.equals(createHmac('sha256', raw).update('payload').digest())).toBe(false);
    expect(replicaA.macs('oauthst2', 'payload')[0].equals(tag)).toBe(false);
    expect(replicaA.macs('oauthst1', 'payload2')[0].equals(tag)).toBe(false);
    expect(replicaA.macs('oauthst1', Buffer.from('payload'))[0].equals(tag)).toBe(true);
  });

  it('returns one tag per key, current first, so tokens made under a previous key still verify', async () => {
    const [oldKey, newerKey] = [newKey(), newKey()];
    const before = await MasterKeyring.fromKeys(oldKey);
    const after = await MasterKeyring.fromKeys(newerKey, [oldKey]);

    const issuedBefore = before.macs('oauthst1', 'm')[0];
    const tags = after.macs('oauthst1', 'm');

    expect(tags).toHaveLength(2);
    expect(tags[0].equals(expectedMac(newerKey, 'oauthst1', 'm'))).toBe(true);
    expect(timingSafeEqual(tags[1], issuedBefore)).toBe(true);
    expect(tags[0].equals(issuedBefore)).toBe(false);
    // A different master key altogether verifies nothing.
    expect((await MasterKeyring.fromKeys(newKey())).macs('oauthst1', 'm')[0].equals(issuedBefore)).toBe(false);
  });

  it('refuses contexts that are not exactly 8 printable characters', async () => {
    const ring = await MasterKeyring.fromKeys(newKey());
    await expectCryptoFailure(() => ring.macs('short', 'm'));
    await expectCryptoFailure(() => ring.macs('toolong12', 'm'));
    await expectCryptoFailure(() => ring.macs('with sp1', 'm'));
  });
});
