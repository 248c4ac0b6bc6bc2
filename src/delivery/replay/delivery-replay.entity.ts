import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const REPLAY_STATUSES = ['queued', 'running', 'done'] as const;
export type ReplayStatus = (typeof REPLAY_STATUSES)[number];

/**
 * A seller's "recover this endpoint since T", done in the background: the endpoint's failed and given-up
 * deliveries created since `since` made due again (whole order queues per batch, so each order's versions still
 * go in order), then the events it never got queued for it. Progress is kept here; the job's payload is the
 * replay's id. Ids, instants and counts only: nothing of any buyer.
 */
@Entity({ name: 'delivery_replays' })
@Index('delivery_replays_endpoint_idx', ['tenantId', 'endpointId', 'createdAt'])
export class DeliveryReplay {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  replayId: string;

  @Column('uuid')
  endpointId: string;

  @Column('timestamptz')
  since: Date;

  @Column('text')
  status: ReplayStatus;

  /** Who asked: `<actor kind>:<actor id>` (a seller key's owner, a person, the CLI). */
  @Column('text')
  requestedBy: string;

  /** Failed or given-up deliveries since `since` when the job started (null until then). */
  @Column('int', { nullable: true })
  toReplay: number | null;

  /** Deliveries made due again so far. */
  @Column('int', { default: 0 })
  replayed: number;

  /** Events the endpoint never got (fanned out while it was disabled), queued for it at the end. */
  @Column('int', { default: 0 })
  queued: number;

  /** The last order queue (stream id) made due: the next batch starts after it. */
  @Column('uuid', { nullable: true })
  cursor: string | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
