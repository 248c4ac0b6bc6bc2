import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StaffRole } from '../auth';

/** A named person on our side (no shared accounts). Platform-level: `tenant_id` is always null. */
@Entity({ name: 'staff_members' })
export class StaffMember {
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryGeneratedColumn('uuid')
  staffId: string;

  @Column('text')
  name: string;

  @Column('text')
  role: StaffRole;

  @Column('text', { default: 'active' })
  status: 'active' | 'disabled';

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
