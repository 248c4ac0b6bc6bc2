import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One version of a tenant's key-encryption key, wrapped by a master key. Data
 * keys name the version that wraps them, so old versions keep opening until a
 * rotation has rewrapped every data key.
 */
@Entity({ name: 'tenant_keys' })
export class TenantKey {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('int')
  version: number;

  /** Sealed key material (versioned AEAD envelope, AAD binds tenant, purpose and version). */
  @Column('bytea')
  wrappedKey: Buffer;

  /** Fingerprint of the master key that wraps this row. */
  @Column('text')
  masterKeyId: string;

  @Column('text', { default: 'active' })
  state: 'active' | 'retired';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
