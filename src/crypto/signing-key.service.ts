import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
// Named imports on purpose (see sodium.ts): libsodium-wrappers fills its exports in after `ready`.
import { crypto_sign_detached, crypto_sign_seed_keypair } from 'libsodium-wrappers';
import { Clock, TransactionManager, validationFailed, type Tx } from '../platform';
import { cryptoFailure } from './crypto-failure';
import { EnvelopeKind } from './envelope';
import type { MasterBinding } from './master-key';
import { MasterKeyring } from './master-keyring';
import { SIGNING_ALGORITHM, signingKeyIdOf, verifyEd25519 } from './signing-key-format';
import { SigningKeysRepository, type SigningKeyRow as Row } from './signing-keys.repository';
import { sodiumReady } from './sodium';

/**
 * What a signing key signs. Part of the stored format (bound into each wrapped
 * secret's AAD): never rename one, only add.
 */
export const SIGNING_PURPOSES = ['audit.checkpoint'] as const;
export type SigningPurpose = (typeof SIGNING_PURPOSES)[number];

/** A signing key as published: what a verifier needs, never the secret. */
export interface PublishedSigningKey {
  readonly keyId: string;
  readonly purpose: SigningPurpose;
  readonly algorithm: typeof SIGNING_ALGORITHM;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  readonly createdAt: Date;
  /** Set when a newer key took over; a retired key still verifies what it signed. */
  readonly retiredAt: Date | null;
}

/** A `signing_keys` row as master rotation reads it. */
export interface SigningKeyWrappedRow {
  readonly keyId: string;
  readonly purpose: string;
  readonly publicKey: Buffer;
  readonly wrappedSecretKey: Buffer;
  readonly masterKeyId: string;
}

/**
 * Ed25519 signing keys (audit checkpoints). One active key per purpose, created
 * on first use. The 32-byte seed is wrapped by the current master key in an
 * envelope of kind `signingKey` whose AAD binds the purpose and the signing key
 * id (and, through the master key, its id); the public key is stored in clear
 * and published. Unwrapping re-derives the public key from the seed and
 * refuses a row whose stored public key or id does not match it, so a row
 * cannot be made to sign under someone else's published key. Master rotation
 * rewraps the seed (TenantKeyService.rotateMaster); retired keys stay
 * published so old signatures keep verifying.
 */
@Injectable()
export class SigningKeyService {
  /** Unwrapped secrets by key id, valid only while the row still holds the wrapped bytes they came from. */
  readonly #secrets = new Map<string, { wrapped: Buffer; secretKey: Uint8Array }>();

  constructor(
    private readonly keyring: MasterKeyring,
    private readonly keys: SigningKeysRepository,
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
  ) {}

  /** Signs `message` with the purpose's active key (created on first use) inside the caller's transaction. */
  async sign(tx: Tx, purpose: SigningPurpose, message: Uint8Array): Promise<{ keyId: string; signature: Buffer }> {
    await sodiumReady();
    const row = await this.activeRow(tx, assertPurpose(purpose));
    const secretKey = this.unwrap(row);
    const signature = Buffer.from(crypto_sign_detached(message, secretKey));
    // A signature that does not verify (fault, wrong key) must never be stored as if it did.
    if (!verifyEd25519(row.public_key, message, signature)) throw cryptoFailure('signature self-check failed');
    return { keyId: row.key_id, signature };
  }

  /** The purpose's active key, created on first use. */
  async current(purpose: SigningPurpose, tx?: Tx): Promise<PublishedSigningKey> {
    const p = assertPurpose(purpose);
    const row = tx ? await this.activeRow(tx, p) : await this.transactions.run((t) => this.activeRow(t, p));
    return toPublished(row);
  }

  /** Every key of the purpose, oldest first (retired ones included: they verify older signatures). */
  async published(purpose: SigningPurpose, tx: Tx = this.transactions.manager): Promise<PublishedSigningKey[]> {
    return (await this.keys.ofPurpose(tx, assertPurpose(purpose))).map(toPublished);
  }

  /** Retires the active key and makes a new one; signatures by the old key keep verifying. */
  async rotate(purpose: SigningPurpose): Promise<PublishedSigningKey> {
    const p = assertPurpose(purpose);
    return this.transactions.run(async (tx) => {
      await this.keys.lockPurpose(tx, p);
      await this.keys.retireActive(tx, p, this.clock.now());
      return toPublished(await this.insertKey(tx, p));
    });
  }

  /** The same seed under the current master key (master rotation). Fails closed on any mismatch. */
  rewrapForCurrentMaster(row: SigningKeyWrappedRow): { wrappedSecretKey: Buffer; masterKeyId: string } {
    const purpose = assertPurpose(row.purpose);
    const seed = this.keyring.byId(row.masterKeyId).unwrap(binding(row.keyId, purpose), row.wrappedSecretKey);
    try {
      checkSeed(seed, row.keyId, row.publicKey);
      const master = this.keyring.current();
      return { wrappedSecretKey: master.wrap(binding(row.keyId, purpose), seed), masterKeyId: master.id };
    } finally {
      seed.fill(0);
    }
  }

  private async activeRow(tx: Tx, purpose: SigningPurpose): Promise<Row> {
    const found = await this.keys.active(tx, purpose);
    if (found) return found;
    // First use: one creator per purpose cluster-wide; the loser of the race reads the winner's key.
    await this.keys.lockPurpose(tx, purpose);
    return (await this.keys.active(tx, purpose)) ?? this.insertKey(tx, purpose);
  }

  private async insertKey(tx: Tx, purpose: SigningPurpose): Promise<Row> {
    await sodiumReady();
    const seed = randomBytes(32);
    try {
      const { publicKey } = crypto_sign_seed_keypair(seed);
      const keyId = signingKeyIdOf(publicKey);
      const master = this.keyring.current();
      const wrapped = master.wrap(binding(keyId, purpose), seed);
      return await this.keys.insert(tx, {
        keyId,
        purpose,
        publicKey: Buffer.from(publicKey),
        wrappedSecretKey: wrapped,
        masterKeyId: master.id,
        createdAt: this.clock.now(),
      });
    } finally {
      seed.fill(0);
    }
  }

  private unwrap(row: Row): Uint8Array {
    const cached = this.#secrets.get(row.key_id);
    if (cached && cached.wrapped.equals(row.wrapped_secret_key)) return cached.secretKey;
    const purpose = assertPurpose(row.purpose);
    const seed = this.keyring.byId(row.master_key_id).unwrap(binding(row.key_id, purpose), row.wrapped_secret_key);
    try {
      const secretKey = checkSeed(seed, row.key_id, row.public_key);
      this.#secrets.set(row.key_id, { wrapped: Buffer.from(row.wrapped_secret_key), secretKey });
      return secretKey;
    } finally {
      seed.fill(0);
    }
  }
}

/** The key pair a seed derives; refuses a seed whose public key or id is not the row's. */
function checkSeed(seed: Uint8Array, keyId: string, publicKey: Uint8Array): Uint8Array {
  if (seed.length !== 32) throw cryptoFailure('signing key seed has the wrong length');
  const pair = crypto_sign_seed_keypair(seed);
  if (!Buffer.from(pair.publicKey).equals(Buffer.from(publicKey)) || signingKeyIdOf(pair.publicKey) !== keyId) {
    throw cryptoFailure(`signing key ${keyId} does not match its published public key`);
  }
  return pair.privateKey;
}

function binding(keyId: string, purpose: SigningPurpose): MasterBinding {
  return {
    kind: EnvelopeKind.signingKey,
    keyVersion: 1,
    tenantId: '',
    subjectId: keyId,
    purpose: `signing_key:${purpose}`,
  };
}

function assertPurpose(value: string): SigningPurpose {
  if (!(SIGNING_PURPOSES as readonly string[]).includes(value)) {
    throw validationFailed('unknown signing purpose', [{ field: 'purpose', issue: `one of ${SIGNING_PURPOSES}` }]);
  }
  return value as SigningPurpose;
}

function toPublished(row: Row): PublishedSigningKey {
  return {
    keyId: row.key_id,
    purpose: row.purpose as SigningPurpose,
    algorithm: SIGNING_ALGORITHM,
    publicKey: Buffer.from(row.public_key),
    createdAt: row.created_at,
    retiredAt: row.retired_at,
  };
}
