import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'allowed' | 'denied';

/**
 * One access-log entry. Entries form hash chains, one per tenant plus one for
 * the platform: `hash = SHA-256(prevHash || be64(seq) || canonical(entry))`.
 * Append-only: a trigger rejects UPDATE, DELETE and TRUNCATE, and the
 * application role is granted SELECT and INSERT only. Never buyer data.
 */
// Two secondary indexes only (tenant + time, time): every reveal writes an entry, auditors
// read rarely, and their action/actor/order filters run over a time range of these.
@Entity({ name: 'audit_entries' })
@Index('audit_entries_tenant_time_idx', ['tenantId', 'occurredAt'])
@Index('audit_entries_time_idx', ['occurredAt'])
export class AuditEntry {
  /** 'platform' or 'tenant:<uuid>'. */
  @PrimaryColumn('text')
  chainId: string;

  @PrimaryColumn('bigint')
  seq: string;

  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @Column('timestamptz')
  occurredAt: Date;

  @Column('text')
  actorKind: string;

  @Column('text')
  actorId: string;

  @Column('text', { nullable: true })
  actorRole: string | null;

  @Column('text')
  action: string;

  /** Ids only: order ids, grant id, key id, connection id... */
  @Column('jsonb')
  targets: Record<string, unknown>;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { nullable: true })
  ticketRef: string | null;

  @Column('text', { nullable: true })
  requestId: string | null;

  @Column('text')
  outcome: AuditOutcome;

  @Column('boolean', { default: false })
  breakGlass: boolean;

  @Column('bytea')
  prevHash: Buffer;

  @Column('bytea')
  hash: Buffer;
}
