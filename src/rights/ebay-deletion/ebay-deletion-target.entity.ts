import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One tenant's share of a pending erasure: the eBay username as that tenant's blind index (the same keyed
 * value `orders.buyer_index` holds, useless without the tenant's index root). Deleted when that tenant's
 * erasure commits, so no trace of the user outlives it.
 */
@Entity({ name: 'ebay_deletion_targets' })
export class EbayDeletionTarget {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('text')
  notificationId: string;

  @Column('bytea')
  buyerIndex: Buffer;

  /** Orders erased in this tenant so far (batches commit one by one). */
  @Column('int', { default: 0 })
  ordersErased: number;
}
