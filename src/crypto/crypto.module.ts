import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { AppLogger } from '../platform';
import { BlindIndexService } from './blind-index.service';
import { DataKeyService } from './data-key.service';
import { DataKeysRepository } from './data-keys.repository';
import { MasterKeyring } from './master-keyring';
import { SigningKeyService } from './signing-key.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { TenantKeyService } from './tenant-key.service';
import { TenantKeyStore } from './tenant-key-store';
import { TenantKeysRepository } from './tenant-keys.repository';

/**
 * The key hierarchy (master key → tenant key versions → per-subject data keys),
 * sealing, blind indexes, rotation, and Ed25519 signing keys (sealed by the
 * master key, public half published). Needs the global config and platform
 * modules. The key store stays private: callers get handles and services, never
 * key bytes.
 */
@Module({
  providers: [
    {
      provide: MasterKeyring,
      inject: [APP_CONFIG, AppLogger],
      // Async so boot waits for libsodium's WASM and fails before serving if the keyring is unusable.
      useFactory: (config: AppConfig, logger: AppLogger) =>
        MasterKeyring.load(config.masterKey, logger.child({ module: 'crypto' })),
    },
    TenantKeysRepository,
    DataKeysRepository,
    SigningKeysRepository,
    TenantKeyStore,
    SigningKeyService,
    TenantKeyService,
    DataKeyService,
    BlindIndexService,
  ],
  exports: [MasterKeyring, TenantKeyService, DataKeyService, BlindIndexService, SigningKeyService],
})
export class CryptoModule {}
