import { AppLogger, Clock, SystemClock, TransactionManager } from '../platform';
import { BlindIndexService } from './blind-index.service';
import type { CryptoOptions } from './crypto-options';
import { DataKeyService } from './data-key.service';
import { DataKeysRepository } from './data-keys.repository';
import type { MasterKeyring } from './master-keyring';
import { SigningKeyService } from './signing-key.service';
import { SigningKeysRepository } from './signing-keys.repository';
import { TenantKeyService } from './tenant-key.service';
import { TenantKeyStore } from './tenant-key-store';
import { TenantKeysRepository } from './tenant-keys.repository';

export interface CryptoServices {
  readonly keyring: MasterKeyring;
  readonly tenantKeys: TenantKeyService;
  readonly dataKeys: DataKeyService;
  readonly blindIndex: BlindIndexService;
}

/**
 * The same wiring as CryptoModule without Nest, for tests, tools and one-shot
 * CLI commands. Each call gets its own caches, like a separate replica.
 */
export function createCryptoServices(deps: {
  keyring: MasterKeyring;
  transactions: TransactionManager;
  logger: AppLogger;
  clock?: Clock;
  options?: CryptoOptions;
}): CryptoServices {
  const clock = deps.clock ?? new SystemClock();
  const tenantKeyRows = new TenantKeysRepository();
  const dataKeyRows = new DataKeysRepository();
  const signingKeyRows = new SigningKeysRepository();
  const store = new TenantKeyStore(deps.keyring, tenantKeyRows, clock, deps.options);
  // Master rotation rewraps signing keys too, so tools built here report the same `remaining`.
  const signingKeys = new SigningKeyService(deps.keyring, signingKeyRows, deps.transactions, clock);
  return {
    keyring: deps.keyring,
    tenantKeys: new TenantKeyService(
      store,
      tenantKeyRows,
      dataKeyRows,
      signingKeyRows,
      deps.transactions,
      deps.logger,
      signingKeys,
    ),
    dataKeys: new DataKeyService(store, dataKeyRows),
    blindIndex: new BlindIndexService(store, deps.transactions),
  };
}
