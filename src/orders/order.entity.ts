import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { CanonicalLineItem, FulfilmentChannel, OrderStatus } from '../marketplaces/canonical-order';

export type PiiState = 'present' | 'absent' | 'destroyed';

/**
 * A marketplace order. Everything needed to query and report on it sits in clear
 * columns; the buyer's personal data is one sealed blob opened only through the
 * orders service (its data key lives in `data_keys`, apart from this row).
 */
@Entity({ name: 'orders' })
@Index('orders_marketplace_uq', ['tenantId', 'marketplace', 'marketplaceOrderId'], { unique: true })
@Index('orders_tenant_updated_idx', ['tenantId', 'updatedAt'])
@Index('orders_email_index_idx', ['tenantId', 'emailIndex'])
@Index('orders_buyer_index_idx', ['tenantId', 'buyerIndex'])
// The retention sweep's range scan: orders still holding buyer data, oldest anchor first.
@Index('orders_pii_connection_idx', ['tenantId', 'connectionId'], { where: "pii_state = 'present'" })
@Index('orders_pii_anchor_idx', ['tenantId', 'marketplace', 'retentionAnchorAt'], { where: "pii_state = 'present'" })
// Order-record expiry's range scan: orders by purchase time per marketplace.
@Index('orders_purchased_idx', ['tenantId', 'marketplace', 'purchasedAt'])
export class Order {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  orderId: string;

  @Column('uuid')
  connectionId: string;

  @Column('text')
  marketplace: string;

  @Column('text')
  marketplaceOrderId: string;

  /** Amazon marketplace id or eBay marketplace the order was placed on. */
  @Column('text', { nullable: true })
  salesChannel: string | null;

  @Column('text')
  status: OrderStatus;

  @Column('text')
  rawStatus: string;

  @Column('timestamptz')
  purchasedAt: Date;

  @Column('timestamptz')
  marketplaceUpdatedAt: Date;

  @Column('timestamptz', { nullable: true })
  shippedAt: Date | null;

  /** When the order was first seen delivered (a later update does not move it). */
  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  /** When the order was first seen cancelled (a later update does not move it). */
  @Column('timestamptz', { nullable: true })
  cancelledAt: Date | null;

  @Column('timestamptz', { nullable: true })
  latestDeliveryAt: Date | null;

  @Column('text')
  fulfilmentChannel: FulfilmentChannel;

  /**
   * What the buyer-data retention window is counted from (see retention-anchor.ts). Set at
   * ingestion and never moved later by a repeat sighting; the due date is this plus the
   * seller's window for the marketplace, computed when a sweep runs.
   */
  @Column('timestamptz')
  retentionAnchorAt: Date;

  @Column('char', { length: 3, nullable: true })
  currency: string | null;

  /** Decimal string: money is never a float. */
  @Column('numeric', { precision: 18, scale: 4, nullable: true })
  totalAmount: string | null;

  @Column('jsonb')
  lineItems: CanonicalLineItem[];

  @Column('char', { length: 2, nullable: true })
  shipToCountry: string | null;

  @Column('text')
  piiState: PiiState;

  @Column('bytea', { nullable: true })
  piiCiphertext: Buffer | null;

  /** When the buyer data was destroyed (its data key shredded); null while it is held or was never received. */
  @Column('timestamptz', { nullable: true })
  piiDestroyedAt: Date | null;

  /**
   * Buyer fields the seller corrected at the buyer's request (paths such as `email`,
   * `shippingAddress.city`; never values): ingestion keeps the stored value of these whatever the
   * marketplace sends. Cleared when the buyer data is destroyed.
   */
  @Column('text', { array: true, default: () => "'{}'" })
  piiOverrides: string[];

  /** Keyed hash of the whole canonical order: unchanged content means no event. */
  @Column('bytea')
  contentHash: Buffer;

  /** Blind indexes for data-subject lookups (keyed BLAKE2b, per-tenant key). */
  @Column('bytea', { nullable: true })
  emailIndex: Buffer | null;

  @Column('bytea', { nullable: true })
  buyerIndex: Buffer | null;

  @Column('int', { default: 1 })
  version: number;

  /** When the seller's system acknowledged taking the order (first acknowledgement wins); null until then. */
  @Column('timestamptz', { nullable: true })
  acknowledgedAt: Date | null;

  /** The id of the API key that acknowledged it. */
  @Column('text', { nullable: true })
  acknowledgedByKeyId: string | null;

  /** The order version the seller's system had when it acknowledged (a later change shows as a higher version). */
  @Column('int', { nullable: true })
  acknowledgedVersion: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
