import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

import type { DsrStatus, DsrSubjectKind, DsrType } from './dsr-types';

/**
 * A buyer's data-subject request as the seller made it. Who the buyer is is
 * never stored: not the e-mail or buyer id, not even their blind index. The
 * request keeps how the buyer was identified (the kind, and the marketplace),
 * the orders that matched when it was answered (ids), counts and times.
 */
@Entity({ name: 'data_subject_requests' })
@Index('data_subject_requests_received_idx', ['tenantId', 'receivedAt'])
export class DataSubjectRequest {
  @PrimaryColumn('uuid')
  tenantId: string;

  @PrimaryGeneratedColumn('uuid')
  requestId: string;

  @Column('text')
  type: DsrType;

  @Column('text')
  subjectKind: DsrSubjectKind;

  /** The marketplace a buyer id or marketplace order id belongs to (null for an e-mail). */
  @Column('text', { nullable: true })
  subjectMarketplace: string | null;

  @Column('text')
  status: DsrStatus;

  /** Who asked: a seller's key (actor kind `seller`), the key's owner id and the key id. */
  @Column('text')
  actorKind: string;

  @Column('text')
  actorId: string;

  @Column('text', { nullable: true })
  actorKeyId: string | null;

  /** The seller's own reference for the request (their ticket), printable ASCII; never buyer data. */
  @Column('text', { nullable: true })
  reference: string | null;

  /** The orders the request matched when it was answered. */
  @Column('uuid', { array: true, default: () => "'{}'" })
  orderIds: string[];

  /** What answering it did: orders found, erased, already destroyed, rectified, exported, copies destroyed. */
  @Column('jsonb', { default: () => "'{}'" })
  counts: Record<string, number>;

  /**
   * Erase: found orders whose buyer data was kept because a legal hold covers them (GDPR Art. 17(3)(e): the
   * erasure does not apply while the data is needed for legal claims). Erased once the hold ends, by a new request.
   */
  @Column('uuid', { array: true, default: () => "'{}'" })
  heldOrderIds: string[];

  /** Rectify: the names of the corrected fields (never their values). */
  @Column('text', { array: true, default: () => "'{}'" })
  correctedFields: string[];

  @Column('timestamptz')
  receivedAt: Date;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  /** Access and portability: until when the export may be downloaded (once). */
  @Column('timestamptz', { nullable: true })
  exportExpiresAt: Date | null;

  /** When the export was downloaded; it cannot be downloaded again. */
  @Column('timestamptz', { nullable: true })
  exportedAt: Date | null;

  /**
   * Rectify in the background: the corrected values (buyer data), sealed under the request's own data key
   * (purpose `dsr.corrections`, subject = the request id) until the last batch is corrected; then the key is
   * destroyed and this is cleared in the same transaction. Null for every other request.
   */
  @Column('bytea', { nullable: true })
  correctionsCiphertext: Buffer | null;

  /** Why a request failed: an error code, never buyer data. */
  @Column('text', { nullable: true })
  failure: string | null;
}
