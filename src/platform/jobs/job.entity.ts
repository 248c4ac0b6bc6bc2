import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A unit of background work. Ticks enqueue (deduplicated by queue + key);
 * workers claim with FOR UPDATE SKIP LOCKED and hold a time-limited lease whose
 * token fences their writes. Payloads carry ids only, never buyer data.
 */
@Entity({ name: 'jobs' })
@Index('jobs_dedupe_uq', ['queue', 'dedupeKey'], { unique: true })
@Index('jobs_claim_idx', ['queue', 'runAt'])
export class Job {
  @PrimaryGeneratedColumn('uuid')
  jobId: string;

  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @Column('text')
  queue: string;

  @Column('text')
  dedupeKey: string;

  @Column('jsonb', { default: () => "'{}'" })
  payload: Record<string, string | number | boolean | null>;

  @Column('timestamptz')
  runAt: Date;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  leaseOwner: string | null;

  @Column('uuid', { nullable: true })
  leaseToken: string | null;

  @Column('timestamptz', { nullable: true })
  leaseExpiresAt: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
