import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { MarketplaceName } from '../marketplaces/canonical-order';

export type ConnectionStatus = 'active' | 'auth_failed' | 'disabled';

/**
 * A seller's authorised account on one marketplace. Credentials (refresh token,
 * optional per-seller app secrets) are sealed with the connection's own data key.
 */
@Entity({ name: 'marketplace_connections' })
@Index('marketplace_connections_account_uq', ['tenantId', 'marketplace', 'region', 'accountId'], { unique: true })
@Index('marketplace_connections_buyer_data_due_idx', ['tenantId', 'buyerDataDueAt'], {
  where: '"buyer_data_due_at" IS NOT NULL',
})
export class MarketplaceConnection {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  connectionId: string;

  @Column('text')
  marketplace: MarketplaceName;

  /** Amazon region (na, eu, fe) or eBay marketplace id (EBAY_US, EBAY_DE, ...). */
  @Column('text')
  region: string;

  /** Amazon selling_partner_id or eBay seller user id: the seller's own id, not buyer data. */
  @Column('text')
  accountId: string;

  /** Amazon marketplace ids to sync (empty for eBay). */
  @Column('text', { array: true, default: () => "'{}'" })
  marketplaceIds: string[];

  @Column('text')
  displayName: string;

  @Column('bytea')
  credentialsCiphertext: Buffer;

  @Column('text', { default: 'active' })
  status: ConnectionStatus;

  /** Why the connection stopped (error code only, never marketplace text). */
  @Column('text', { nullable: true })
  statusReason: string | null;

  /**
   * When the buyer data of this connection's orders is to be destroyed: set when the seller disconnects
   * (now, or after the grace they chose) or the marketplace revokes the authorisation (after the grace for a
   * revocation); cleared by a re-authorisation and once the destruction is done.
   */
  @Column('timestamptz', { nullable: true })
  buyerDataDueAt: Date | null;

  /** When the buyer data of this connection's orders was destroyed after the connection ended. */
  @Column('timestamptz', { nullable: true })
  buyerDataDestroyedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
