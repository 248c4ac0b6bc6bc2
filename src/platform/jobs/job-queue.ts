import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { execute } from '../database/sql';
import type { Tx } from '../database/transaction-manager';
import { DomainError, ErrorCodes } from '../errors/domain-error';

export interface ClaimedJob {
  readonly jobId: string;
  readonly tenantId: string | null;
  readonly queue: string;
  readonly dedupeKey: string;
  readonly payload: Record<string, string | number | boolean | null>;
  readonly attempts: number;
  readonly leaseToken: string;
  readonly leaseExpiresAt: Date;
}

export type JobPayload = Record<string, string | number | boolean | null>;

interface JobRow {
  job_id: string;
  tenant_id: string | null;
  queue: string;
  dedupe_key: string;
  payload: JobPayload;
  attempts: number;
  lease_token: string;
  lease_expires_at: Date;
}

/** The lease was lost (expired and taken by another worker): stop writing. */
export class LeaseLostError extends DomainError {
  constructor() {
    super(ErrorCodes.CONFLICT, 'job lease lost to another worker');
    this.name = 'LeaseLostError';
  }
}

/**
 * A PostgreSQL-backed work queue. Enqueueing is idempotent per (queue, key), so
 * every replica's tick may enqueue the same work without duplicates. Claiming
 * uses FOR UPDATE SKIP LOCKED and a lease: one worker holds a job at a time; a
 * crashed worker's lease expires and the job is claimed again. The lease token
 * fences writes (`assertLease` inside the worker's transaction).
 */
@Injectable()
export class JobQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Adds work unless the same (queue, key) is already waiting or running. Returns true if added. */
  async enqueue(
    queue: string,
    dedupeKey: string,
    options: { tenantId?: string | null; payload?: JobPayload; runAt?: Date } = {},
    tx?: Tx,
  ): Promise<boolean> {
    const rows = await (tx ?? this.dataSource.manager).query(
      `INSERT INTO jobs (job_id, tenant_id, queue, dedupe_key, payload, run_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (queue, dedupe_key) DO NOTHING
       RETURNING job_id`,
      [
        randomUUID(),
        options.tenantId ?? null,
        queue,
        dedupeKey,
        JSON.stringify(options.payload ?? {}),
        options.runAt ?? this.clock.now(),
        this.clock.now(),
      ],
    );
    return rows.length > 0;
  }

  /** Claims the oldest due job of a queue whose lease is free or expired. */
  async claim(queue: string, owner: string, leaseMs: number, only?: { tenantId?: string }): Promise<ClaimedJob | null> {
    const now = this.clock.now();
    const token = randomUUID();
    const expires = new Date(now.getTime() + leaseMs);
    const { rows } = await execute<JobRow>(
      this.dataSource.manager,
      `UPDATE jobs SET lease_owner = $3, lease_token = $4, lease_expires_at = $5, attempts = attempts + 1
        WHERE job_id = (
          SELECT job_id FROM jobs
           WHERE queue = $1 AND run_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at < $2)
             AND ($6::uuid IS NULL OR tenant_id = $6::uuid)
           ORDER BY run_at, job_id
           FOR UPDATE SKIP LOCKED
           LIMIT 1)
        RETURNING job_id, tenant_id, queue, dedupe_key, payload, attempts, lease_token, lease_expires_at`,
      [queue, now, owner, token, expires, only?.tenantId ?? null],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      jobId: r.job_id,
      tenantId: r.tenant_id,
      queue: r.queue,
      dedupeKey: r.dedupe_key,
      payload: r.payload,
      attempts: r.attempts,
      leaseToken: r.lease_token,
      leaseExpiresAt: r.lease_expires_at,
    };
  }

  /** Extends a held lease; throws LeaseLostError if another worker has it now. */
  async renew(job: ClaimedJob, leaseMs: number): Promise<void> {
    const now = this.clock.now();
    const { rowCount } = await execute(
      this.dataSource.manager,
      `UPDATE jobs SET lease_expires_at = $3 WHERE job_id = $1 AND lease_token = $2 AND lease_expires_at >= $4`,
      [job.jobId, job.leaseToken, new Date(now.getTime() + leaseMs), now],
    );
    if (rowCount !== 1) throw new LeaseLostError();
  }

  /** Inside a transaction: lock our job row and prove we still hold the lease. */
  async assertLease(tx: Tx, job: ClaimedJob): Promise<void> {
    const rows = await tx.query(
      `SELECT 1 FROM jobs WHERE job_id = $1 AND lease_token = $2 AND lease_expires_at >= $3 FOR UPDATE`,
      [job.jobId, job.leaseToken, this.clock.now()],
    );
    if (!rows.length) throw new LeaseLostError();
  }

  /** Done: the job row goes away (a later tick may enqueue the key again). */
  async complete(job: ClaimedJob, tx?: Tx): Promise<void> {
    await (tx ?? this.dataSource.manager).query(`DELETE FROM jobs WHERE job_id = $1 AND lease_token = $2`, [
      job.jobId,
      job.leaseToken,
    ]);
  }

  /** Failed: release the lease and try again at `retryAt`. The error is a code, never data. */
  async retryLater(job: ClaimedJob, retryAt: Date, errorCode: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE jobs SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, run_at = $3, last_error = $4
        WHERE job_id = $1 AND lease_token = $2`,
      [job.jobId, job.leaseToken, retryAt, errorCode.slice(0, 200)],
    );
  }

  async depth(queue: string): Promise<number> {
    const [r] = await this.dataSource.query(`SELECT count(*)::int AS n FROM jobs WHERE queue = $1`, [queue]);
    return r.n;
  }
}
