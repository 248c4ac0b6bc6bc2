import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An Ed25519 signing key (audit checkpoints). The public key is published; the
 * secret key is sealed by the master key and rewrapped on master rotation.
 */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  /** Platform keys have no tenant (the column exists because every table carries one). */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryColumn('text')
  keyId: string;

  @Column('text')
  purpose: string;

  @Column('bytea')
  publicKey: Buffer;

  @Column('bytea')
  wrappedSecretKey: Buffer;

  @Column('text')
  masterKeyId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  retiredAt: Date | null;
}
