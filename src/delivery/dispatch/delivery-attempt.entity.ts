import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One try at sending a delivery. The first 4 kB of the receiver's answer is
 * kept sealed under the order's own data key (receivers often echo the request,
 * buyer data included): destroying the order's buyer data destroys it too.
 * Answers to events about no order are not kept.
 */
@Entity({ name: 'delivery_attempts' })
@Index('delivery_attempts_delivery_idx', ['tenantId', 'deliveryId', 'attemptedAt'])
export class DeliveryAttempt {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  attemptId: string;

  @Column('uuid')
  deliveryId: string;

  @Column('uuid', { nullable: true })
  orderId: string | null;

  @Column('int')
  attemptNumber: number;

  @Column('timestamptz')
  attemptedAt: Date;

  /** The HTTP status, or null when no answer came (timeout, refused, reset). */
  @Column('int', { nullable: true })
  statusCode: number | null;

  @Column('int')
  latencyMs: number;

  /** `ok`, `http_status`, `redirect`, `timeout`, `connection`, `blocked_address`, `gone`, `payload_too_large`, … */
  @Column('text')
  result: string;

  @Column('timestamptz', { nullable: true })
  nextAttemptAt: Date | null;

  /** First 4 kB of the answer, sealed under the order's data key (purpose delivery.response). */
  @Column('bytea', { nullable: true })
  responseCiphertext: Buffer | null;

  /** Whether the lease was still ours when the answer came (a lost lease's answer changes nothing). */
  @Column('boolean', { default: true })
  counted: boolean;
}
