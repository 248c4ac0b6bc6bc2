import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A random per-subject data key (an order, a connection's credentials, a dead
 * letter), wrapped by a tenant key version. Stored apart from the ciphertext it
 * opens: deleting this row shreds every copy of that ciphertext, backups included.
 */
@Entity({ name: 'data_keys' })
@Index('data_keys_tenant_version_idx', ['tenantId', 'tenantKeyVersion'])
export class DataKey {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  subjectId: string;

  @Column('text')
  purpose: string;

  @Column('int')
  tenantKeyVersion: number;

  @Column('bytea')
  wrappedKey: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
