import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { PayloadMode } from '../payload-modes';

/**
 * A seller's webhook receiver. Its signing secrets and static headers are
 * sealed under the endpoint's own data key (subject = endpoint id), so deleting
 * the endpoint shreds them. A deleted endpoint keeps its row (marked) for the
 * deliveries that name it until those are purged.
 */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryColumn('uuid')
  endpointId: string;

  @Column('text')
  url: string;

  @Column('text', { default: '' })
  description: string;

  /** Event types to send; empty means every order event. */
  @Column('text', { array: true, default: () => "'{}'" })
  eventTypes: string[];

  @Column('text', { default: 'thin' })
  payloadMode: PayloadMode;

  @Column('boolean', { default: true })
  enabled: boolean;

  /** Why the endpoint stopped (`manual`, `gone`, `failing`), or null while enabled. */
  @Column('text', { nullable: true })
  disabledReason: string | null;

  /** When it was last disabled (null while enabled): what a re-enabling reports it missed since. */
  @Column('timestamptz', { nullable: true })
  disabledAt: Date | null;

  /** Requests per second this receiver accepts; null for no limit beyond the concurrency cap. */
  @Column('int', { nullable: true })
  rateLimitPerSecond: number | null;

  /**
   * With a rate limit: the earliest time the next request may be sent (dispatchers reserve send times from it
   * while holding the endpoint's claim lock, so the limit holds across replicas).
   */
  @Column('timestamptz', { nullable: true })
  rateNextSendAt: Date | null;

  /** `EndpointSecrets` JSON, sealed (purpose endpoint.secret). */
  @Column('bytea', { nullable: true })
  secretsCiphertext: Buffer | null;

  /** Static headers JSON, sealed (purpose endpoint.headers); null when none. */
  @Column('bytea', { nullable: true })
  headersCiphertext: Buffer | null;

  /** Lower-case names of the static headers (never their values), so the seller sees what is set. */
  @Column('text', { array: true, default: () => "'{}'" })
  headerNames: string[];

  /** When the last secret left valid by a rotation stops signing. */
  @Column('timestamptz', { nullable: true })
  previousSecretsExpireAt: Date | null;

  /** Ed25519 public key (`whpk_` + base64) whose secret half signs `v1a`; null when only `v1` signs. */
  @Column('text', { nullable: true })
  signingPublicKey: string | null;

  /** X25519 public key (base64, 32 bytes) that `sealed` payloads seal buyer data to. */
  @Column('text', { nullable: true })
  sealingPublicKey: string | null;

  /** Since when every attempt has failed (cleared by a success); drives the automatic disabling. */
  @Column('timestamptz', { nullable: true })
  failingSince: Date | null;

  /** Warnings sent in the current failing stretch (0, 1 = half the window, 2 = 90 %). */
  @Column('int', { default: 0 })
  failureWarnings: number;

  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;

  /**
   * The dispatcher holding this endpoint's deliveries (at most one at a time, so its concurrency cap holds across
   * replicas), until when, and a count of its claims. Written only by the dispatcher's own statements, never
   * through the entity: a save of an endpoint read earlier must not hand back a hold it saw then.
   */
  @Column({ type: 'text', nullable: true, insert: false, update: false, select: false })
  claimHolder: string | null;

  @Column({ type: 'timestamptz', nullable: true, insert: false, update: false, select: false })
  claimHeldUntil: Date | null;

  @Column({ type: 'bigint', default: 0, insert: false, update: false, select: false })
  claimSeq: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
