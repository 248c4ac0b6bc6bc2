import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed authentications per bucket (`ip:<address>` or `key:<key id>`) and
 * fixed window, in PostgreSQL so every replica counts the same failures.
 */
@Entity({ name: 'auth_failures' })
export class AuthFailure {
  /** Always null: failures are counted before anyone is known (the column exists because every table carries one). */
  @Column('uuid', { nullable: true })
  tenantId: string | null;

  @PrimaryColumn('text')
  bucket: string;

  @PrimaryColumn('timestamptz')
  windowStart: Date;

  @Column('int')
  failures: number;
}
