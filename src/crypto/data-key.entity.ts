import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A random per-subject data key (an order, a connection's credentials, a dead
 * letter), wrapped by a tenant key version. Stored apart from the ciphertext it
 * opens: deleting this row shreds every copy of that ciphertext, backups included.
 */
// No secondary index: every order adds a row here, and the only other access
// path (rotation rewrapping a tenant's older versions) is a rare batch that
// walks the tenant's primary-key range anyway.
@Entity({ name: 'data_keys' })
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
