import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Root of a tenant's blind-index keys. Kept apart from the rotating tenant key
 * so rotation does not change index values; wrapped by the master key.
 */
@Entity({ name: 'tenant_index_keys' })
export class TenantIndexKey {
  @PrimaryColumn('uuid')
  tenantId: string;

  @Column('bytea')
  wrappedKey: Buffer;

  @Column('text')
  masterKeyId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
