import { Injectable } from '@nestjs/common';
import { TransactionManager, type Tx } from '../platform';
import { canonicalId } from './ids';
import type { TenantIndexer } from './tenant-indexer';
import { TenantKeyStore } from './tenant-key-store';

/**
 * Blind indexes (keyed BLAKE2b, 32 bytes) under per-tenant keys derived from the
 * tenant's index root. The root is not the rotating tenant key, so index values
 * survive tenant and master key rotation; different tenants never share values.
 *
 * Derived keys are cached per tenant, so a warm call runs no query. The first
 * call for a tenant reads its index root: pass `tx` when calling from inside a
 * transaction, because the embedded database has a single connection and a read
 * outside the open transaction would wait for it forever. For a batch, take a
 * `TenantIndexer` once with `indexerFor` and call it synchronously.
 */
@Injectable()
export class BlindIndexService {
  constructor(
    private readonly store: TenantKeyStore,
    private readonly transactions: TransactionManager,
  ) {}

  indexerFor(tenantId: string, tx?: Tx): Promise<TenantIndexer> {
    return this.store.indexer(tx ?? this.transactions.manager, canonicalId(tenantId, 'tenantId'));
  }

  async emailIndex(tenantId: string, email: string, tx?: Tx): Promise<Buffer> {
    return (await this.indexerFor(tenantId, tx)).email(email);
  }

  async buyerIdIndex(tenantId: string, marketplace: string, buyerId: string, tx?: Tx): Promise<Buffer> {
    return (await this.indexerFor(tenantId, tx)).buyerId(marketplace, buyerId);
  }

  async contentHash(tenantId: string, bytes: Uint8Array, tx?: Tx): Promise<Buffer> {
    return (await this.indexerFor(tenantId, tx)).content(bytes);
  }
}
