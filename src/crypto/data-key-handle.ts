import { validationFailed } from '../platform';
import { cryptoFailure } from './crypto-failure';
import { EnvelopeKind, openEnvelope, sealEnvelope, type EnvelopeBinding } from './envelope';
import { assertDataPurpose, type DataPurpose } from './purposes';

/**
 * Generation of the data key a payload is sealed under. A subject has one data
 * key, and tenant-key rotation rewraps that key without touching payloads, so
 * this stays 1; a future per-subject re-key would seal under 2.
 */
export const DATA_KEY_GENERATION = 1;

/**
 * An opened data key for one subject of one tenant. It seals and opens that
 * subject's payloads and nothing else: tenant and subject are bound in by the
 * handle itself, the caller names only the purpose. The key bytes are held in a
 * private field and never handed out; keep a handle only for the unit of work
 * that needs it (a destroyed data key stays usable in a handle opened before).
 */
export class DataKeyHandle {
  readonly #key: Uint8Array;

  constructor(
    readonly tenantId: string,
    readonly subjectId: string,
    /** The purpose the data key was created for (recorded in `data_keys.purpose`). */
    readonly keyPurpose: DataPurpose,
    key: Uint8Array,
  ) {
    this.#key = key;
  }

  seal(purpose: DataPurpose, plaintext: Uint8Array): Buffer {
    if (!(plaintext instanceof Uint8Array)) throw validationFailed('plaintext must be bytes');
    return sealEnvelope(this.#key, this.binding(purpose), plaintext);
  }

  open(purpose: DataPurpose, ciphertext: Uint8Array): Buffer {
    return openEnvelope(this.#key, this.binding(purpose), ciphertext);
  }

  sealJson(purpose: DataPurpose, value: unknown): Buffer {
    const json = JSON.stringify(value);
    if (json === undefined) throw validationFailed('value has no JSON representation');
    return this.seal(purpose, Buffer.from(json, 'utf8'));
  }

  openJson<T = unknown>(purpose: DataPurpose, ciphertext: Uint8Array): T {
    const plaintext = this.open(purpose, ciphertext);
    try {
      return JSON.parse(plaintext.toString('utf8')) as T;
    } catch {
      // Authenticated but not JSON: sealed with seal() rather than sealJson(). Say so without echoing it.
      throw cryptoFailure('sealed value is not JSON');
    }
  }

  toJSON(): { tenantId: string; subjectId: string; keyPurpose: string } {
    return { tenantId: this.tenantId, subjectId: this.subjectId, keyPurpose: this.keyPurpose };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DataKeyHandle(${this.tenantId}/${this.subjectId})`;
  }

  private binding(purpose: DataPurpose): EnvelopeBinding {
    return {
      kind: EnvelopeKind.payload,
      keyVersion: DATA_KEY_GENERATION,
      tenantId: this.tenantId,
      subjectId: this.subjectId,
      purpose: assertDataPurpose(purpose),
    };
  }
}
