import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest entry of each chain. Appends lock this row, so one chain's
 * entries get consecutive sequence numbers in commit order (no gaps: a rolled
 * back append rolls back the head too), while different tenants append in
 * parallel.
 */
@Entity({ name: 'audit_chain_heads' })
export class AuditChainHead {
  @PrimaryColumn('text')
  chainId: string;

  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @Column('bigint')
  lastSeq: string;

  @Column('bytea')
  lastHash: Buffer;
}
