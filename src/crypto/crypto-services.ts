import { AppLogger, Clock, SystemClock, TransactionManager } from '../platform';
import { BlindIndexService } from './blind-index.service';
import type { CryptoOptions } from './crypto-options';
import { DataKeyService } from './data-key.service';
import type { MasterKeyring } from './master-keyring';
import { TenantKeyService } from './tenant-key.service';
import { TenantKeyStore } from './tenant-key-store';

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
  const store = new TenantKeyStore(deps.keyring, deps.clock ?? new SystemClock(), deps.options);
  return {
    keyring: deps.keyring,
    tenantKeys: new TenantKeyService(store, deps.transactions, deps.logger),
    dataKeys: new DataKeyService(store),
    blindIndex: new BlindIndexService(store, deps.transactions),
  };
}
