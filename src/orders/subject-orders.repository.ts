import { Injectable } from '@nestjs/common';
import { driverQuery } from '../platform/database/driver-query';
import type { Tx } from '../platform/database/transaction-manager';
import type { PiiState } from './order.entity';

/** How one buyer's orders are found: a blind index, or the marketplace's order id. */
export type SubjectMatch =
  | { readonly kind: 'email_index'; readonly index: Buffer }
  | { readonly kind: 'buyer_index'; readonly index: Buffer }
  | { readonly kind: 'marketplace_order'; readonly marketplace: string; readonly marketplaceOrderId: string };

/** An order of the buyer as a data-subject request sees it: ids and state, never buyer data. */
export interface SubjectOrderRef {
  readonly orderId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  readonly piiState: PiiState;
  readonly retentionAnchorAt: Date;
}

/** The SQL of finding a buyer's orders. Every method runs in the caller's transaction. */
@Injectable()
export class SubjectOrdersRepository {
  /**
   * Up to `limit` orders matching, oldest purchase first, locked FOR UPDATE (erase, rectify: a sync page
   * holding one is waited for, never skipped) or FOR SHARE (exports: nothing destroys them meanwhile).
   */
  async find(
    tx: Tx,
    tenantId: string,
    match: SubjectMatch,
    lock: 'update' | 'share',
    limit: number,
  ): Promise<SubjectOrderRef[]> {
    const where =
      match.kind === 'email_index'
        ? { sql: 'email_index = $3', params: [match.index] }
        : match.kind === 'buyer_index'
          ? { sql: 'buyer_index = $3', params: [match.index] }
          : {
              sql: 'marketplace = $3 AND marketplace_order_id = $4',
              params: [match.marketplace, match.marketplaceOrderId],
            };
    const { rows } = await driverQuery<{
      order_id: string;
      connection_id: string;
      marketplace: string;
      marketplace_order_id: string;
      pii_state: PiiState;
      retention_anchor_at: Date;
    }>(
      tx,
      `SELECT order_id, connection_id, marketplace, marketplace_order_id, pii_state, retention_anchor_at
         FROM orders WHERE tenant_id = $1 AND ${where.sql}
        ORDER BY purchased_at, order_id
        LIMIT $2
        ${lock === 'update' ? 'FOR UPDATE' : 'FOR SHARE'}`,
      [tenantId, limit, ...where.params],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      connectionId: r.connection_id,
      marketplace: r.marketplace,
      marketplaceOrderId: r.marketplace_order_id,
      piiState: r.pii_state,
      retentionAnchorAt: r.retention_anchor_at,
    }));
  }
}
