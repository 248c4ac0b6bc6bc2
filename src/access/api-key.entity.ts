import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type KeyOwnerKind = 'seller' | 'staff';

/**
 * An API key. The secret is shown once; only its SHA-256 is stored (the secret
 * has 256 bits of entropy, so no salt or stretching is needed). The public part
 * (`key_id`) is in the key itself, so lookup is by id and the comparison of the
 * hashes is constant-time.
 */
@Entity({ name: 'api_keys' })
@Index('api_keys_tenant_idx', ['tenantId'])
@Index('api_keys_staff_idx', ['staffId'])
export class ApiKey {
  /** The seller's tenant; null for staff keys. */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryColumn('text')
  keyId: string;

  @Column('text')
  ownerKind: KeyOwnerKind;

  @Column('uuid', { nullable: true })
  staffId: string | null;

  /** Seller scopes (orders:read, ...); empty for staff, whose role decides. */
  @Column('text', { array: true, default: () => "'{}'" })
  scopes: string[];

  @Column('text')
  label: string;

  @Column('bytea')
  secretHash: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  /** The key this one replaced (rotation). */
  @Column('text', { nullable: true })
  rotatedFrom: string | null;
}
