import { createHmac, randomBytes } from 'node:crypto';
import type { MasterKeySource } from '../config';
import { AppLogger, DomainError, ErrorCodes } from '../platform';
import { cryptoFailure } from './crypto-failure';
import {
  decodeMasterKey,
  hasLooseMode,
  loadOrCreateGeneratedKeyring,
  readKeyringFile,
  writeKeyringFile,
} from './master-key-file';
import { MasterKey } from './master-key';
import { deriveSubkey, sodiumReady } from './sodium';

export interface KeyringChange {
  readonly currentId: string;
  readonly previousIds: readonly string[];
}

/**
 * The master keys this process holds: one current key (wraps everything new)
 * and any previous keys (unwrap only, until `rotateMaster` has rewrapped every
 * row they protect). Loaded once at boot from `AppConfig.masterKey`.
 */
export class MasterKeyring {
  private keys: MasterKey[];

  private constructor(
    private readonly source: MasterKeySource | undefined,
    raw: readonly Uint8Array[],
  ) {
    this.keys = toKeys(raw);
  }

  static async load(source: MasterKeySource, logger: AppLogger): Promise<MasterKeyring> {
    await sodiumReady();
    const ring = new MasterKeyring(source, readSource(source, logger));
    logger.info('master keyring loaded', {
      source: source.kind,
      currentKeyId: ring.current().id,
      previousKeyIds: ring.ids().slice(1),
    });
    return ring;
  }

  /** A keyring held only in memory (tests, tools). */
  static async fromKeys(current: Uint8Array, previous: readonly Uint8Array[] = []): Promise<MasterKeyring> {
    await sodiumReady();
    return new MasterKeyring(undefined, [current, ...previous]);
  }

  current(): MasterKey {
    return this.keys[0];
  }

  /** Fails closed: a row wrapped by a key this process does not hold cannot be opened. */
  byId(id: string): MasterKey {
    const key = this.keys.find((k) => k.id === id);
    if (!key) {
      throw cryptoFailure(
        `master key ${id} is not in the keyring; keep it as a previous key until rotate-master has rewrapped every tenant key`,
      );
    }
    return key;
  }

  has(id: string): boolean {
    return this.keys.some((k) => k.id === id);
  }

  /** Key ids, current first. */
  ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** Re-reads a keyring file (another process may have added a key). Inline keys only change by restart. */
  async reload(): Promise<void> {
    if (this.source && this.source.kind !== 'inline') this.keys = toKeys(readKeyringFile(this.source.path));
  }

  /**
   * Generates a new key and makes it current in a `file` or `generated` keyring;
   * the old keys move to the previous lines. Run `rotateMaster` afterwards, once
   * every replica holds the new key (they read it at boot or on `reload`).
   */
  async addGeneratedKey(): Promise<KeyringChange> {
    const source = this.source;
    if (!source) {
      throw new DomainError(ErrorCodes.PRECONDITION_FAILED, 'this keyring is held in memory and has no file to add to');
    }
    if (source.kind === 'inline') {
      throw new DomainError(
        ErrorCodes.PRECONDITION_FAILED,
        'master keys are configured inline (ORDERVAULT_MASTER_KEY): set a new ORDERVAULT_MASTER_KEY, move the old ' +
          'key to ORDERVAULT_MASTER_KEY_PREVIOUS, restart every replica, then run the master key rotation',
      );
    }
    const existing = readKeyringFile(source.path);
    writeKeyringFile(source.path, [randomBytes(32), ...existing], { exclusive: false });
    this.keys = toKeys(readKeyringFile(source.path));
    return { currentId: this.current().id, previousIds: this.ids().slice(1) };
  }

  /**
   * HMAC-SHA256 of `message` under a purpose subkey of each master key, current key first. Subkeys come
   * from crypto_kdf (`context`: exactly 8 characters, one per purpose), so every replica holding the
   * same keys computes the same tags while the keys never leave this object. Sign with the first tag;
   * accept a match with any (a token made before a master-key change verifies while the old key is a
   * previous key). For short-lived integrity tokens such as OAuth `state`, never for stored data.
   */
  macs(context: string, message: string | Uint8Array): Buffer[] {
    if (!/^[\x21-\x7e]{8}$/.test(context))
      throw cryptoFailure('MAC context must be exactly 8 printable ASCII characters');
    return this.keys.map((key) =>
      createHmac('sha256', deriveSubkey(32, 1, context, MAC_ROOTS.get(key)!))
        .update(message)
        .digest(),
    );
  }

  toJSON(): { ids: string[] } {
    return { ids: this.ids() };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MasterKeyring(${this.ids().join(', ')})`;
  }
}

function readSource(source: MasterKeySource, logger: AppLogger): Uint8Array[] {
  switch (source.kind) {
    case 'inline': {
      const entries = [source.current, ...source.previous];
      return entries.map((text, i) => {
        const key = decodeMasterKey(text);
        if (!key) {
          const name = i === 0 ? 'ORDERVAULT_MASTER_KEY' : `ORDERVAULT_MASTER_KEY_PREVIOUS entry ${i}`;
          throw new DomainError(ErrorCodes.CONFIG_INVALID, `${name}: not a 32-byte key in base64`);
        }
        return key;
      });
    }
    case 'file': {
      const keys = readKeyringFile(source.path);
      if (hasLooseMode(source.path)) {
        logger.warn('master keyring file is readable by group or others; chmod 600 it', { path: source.path });
      }
      return keys;
    }
    case 'generated': {
      const { keys, created } = loadOrCreateGeneratedKeyring(source.path);
      const keyId = new MasterKey(keys[0]).id;
      if (created) {
        logger.warn(
          'generated a development master key; anyone who can read this file can open every sealed record. ' +
            'Set ORDERVAULT_MASTER_KEY or ORDERVAULT_MASTER_KEY_FILE outside development',
          { path: source.path, keyId },
        );
      } else if (hasLooseMode(source.path)) {
        logger.warn('master keyring file is readable by group or others; chmod 600 it', { path: source.path });
      }
      return keys;
    }
  }
}

/**
 * Per master key, a root for `macs` subkeys: itself a crypto_kdf subkey (own context), so the raw key is
 * not kept and a MAC key can never unwrap anything.
 */
const MAC_ROOT_CONTEXT = 'ovmacrt1';
const MAC_ROOTS = new WeakMap<MasterKey, Uint8Array>();

/** Same key listed twice (e.g. current repeated in previous) counts once. */
function toKeys(raw: readonly Uint8Array[]): MasterKey[] {
  const seen = new Set<string>();
  const keys: MasterKey[] = [];
  for (const bytes of raw) {
    const key = new MasterKey(bytes);
    if (!seen.has(key.id)) {
      seen.add(key.id);
      keys.push(key);
      MAC_ROOTS.set(key, deriveSubkey(32, 1, MAC_ROOT_CONTEXT, bytes));
    }
  }
  if (keys.length === 0) throw new DomainError(ErrorCodes.CONFIG_INVALID, 'no master key configured');
  return keys;
}
