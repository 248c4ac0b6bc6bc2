import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type TenantStatus = 'active' | 'suspended' | 'offboarding' | 'offboarded';

/** A seller: the data controller whose orders we process. */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  tenantId: string;

  @Column('text')
  name: string;

  /** `offboarding` while a seller's data is being deleted, `offboarded` once done (kept: the access log names it). */
  @Column('text', { default: 'active' })
  status: TenantStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
