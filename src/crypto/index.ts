// Public surface of the crypto module. The key store, envelope primitives and
// wrapping helpers stay internal: other modules seal and open through handles.
export { CryptoModule } from './crypto.module';
export { createCryptoServices, type CryptoServices } from './crypto-services';
export { CRYPTO_OPTIONS, DEFAULT_CRYPTO_OPTIONS, type CryptoOptions } from './crypto-options';
export { MasterKeyring, type KeyringChange } from './master-keyring';
export type { MasterKey } from './master-key';
export { TenantKeyService, type TenantKeyVersionInfo } from './tenant-key.service';
export type { TenantRotationOptions, TenantRotationProgress, TenantRotationSummary } from './tenant-rotation';
export type { MasterRotationSummary } from './master-rotation';
export {
  SigningKeyService,
  SIGNING_PURPOSES,
  type PublishedSigningKey,
  type SigningPurpose,
} from './signing-key.service';
export {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  SIGNING_ALGORITHM,
  parseEd25519PublicKey,
  signingKeyIdOf,
  verifyEd25519,
} from './signing-key-format';
export { SigningKey } from './signing-key.entity';
export { DataKeyService, dataKeyRef, type DataKeySubject } from './data-key.service';
export type { DataKeyHandle } from './data-key-handle';
export { BlindIndexService } from './blind-index.service';
export { BLIND_INDEX_BYTES, type TenantIndexer } from './tenant-indexer';
export { normaliseEmail } from './normalise';
export { DATA_PURPOSES, isDataPurpose, type DataPurpose } from './purposes';
export { ENVELOPE_FORMAT_VERSION, ENVELOPE_OVERHEAD_BYTES, readEnvelopeHeader, type EnvelopeHeader } from './envelope';
export { DataKey } from './data-key.entity';
export { TenantKey } from './tenant-key.entity';
export { TenantIndexKey } from './tenant-index-key.entity';
export { sealForRecipient, BOX_PUBLIC_KEY_BYTES } from './sodium';
