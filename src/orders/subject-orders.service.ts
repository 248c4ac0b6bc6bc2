import { Injectable } from '@nestjs/common';
import { BlindIndexService } from '../crypto';
import type { Tx } from '../platform/database/transaction-manager';
import { SubjectOrdersRepository, type SubjectMatch, type SubjectOrderRef } from './subject-orders.repository';

export type { SubjectOrderRef } from './subject-orders.repository';

/**
 * Who a data-subject request is about, as the seller identifies the buyer: an
 * e-mail address or a marketplace buyer id (found through the tenant's blind
 * indexes, so neither is ever compared or stored in clear), or one marketplace
 * order. Values are held only for the lookup, never written anywhere.
 */
export type SubjectSelector =
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'buyer_id'; readonly marketplace: string; readonly buyerId: string }
  | { readonly kind: 'marketplace_order_id'; readonly marketplace: string; readonly marketplaceOrderId: string };

export type SubjectSelectorKind = SubjectSelector['kind'];

/** Finding one buyer's orders in a tenant, for data-subject requests. */
@Injectable()
export class SubjectOrdersService {
  constructor(
    private readonly repository: SubjectOrdersRepository,
    private readonly blindIndex: BlindIndexService,
  ) {}

  /**
   * The buyer's orders (at most `limit`), locked in the caller's transaction. An e-mail or buyer id
   * finds orders still holding buyer data (destruction clears the indexes with the data); a marketplace
   * order id finds that order whatever its state.
   */
  async find(
    tx: Tx,
    tenantId: string,
    selector: SubjectSelector,
    options: { lock: 'update' | 'share'; limit: number },
  ): Promise<SubjectOrderRef[]> {
    const indexer = await this.blindIndex.indexerFor(tenantId, tx);
    const match: SubjectMatch =
      selector.kind === 'email'
        ? { kind: 'email_index', index: indexer.email(selector.email) }
        : selector.kind === 'buyer_id'
          ? { kind: 'buyer_index', index: indexer.buyerId(selector.marketplace, selector.buyerId) }
          : {
              kind: 'marketplace_order',
              marketplace: selector.marketplace,
              marketplaceOrderId: selector.marketplaceOrderId,
            };
    return this.repository.find(tx, tenantId, match, options.lock, options.limit);
  }
}
