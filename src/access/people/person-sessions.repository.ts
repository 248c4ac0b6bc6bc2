import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../../platform/database/sql';
import type { Tx } from '../../platform/database/transaction-manager';
import { PersonSession, type SessionEndReason } from './person-session.entity';

export interface EndedSession {
  readonly sessionId: string;
  readonly accountId: string;
  readonly tenantId: string | null;
  readonly reason: SessionEndReason;
}

/** Console sessions (`person_sessions`). */
@Injectable()
export class PersonSessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(PersonSession);
  }

  insert(tx: Tx, session: Omit<PersonSession, 'sessionId' | 'endedAt' | 'endReason'>): Promise<PersonSession> {
    return this.repo(tx).save(this.repo(tx).create({ ...session, endedAt: null, endReason: null }));
  }

  findByTokenHash(tokenHash: Buffer): Promise<PersonSession | null> {
    return this.repo().findOneBy({ tokenHash });
  }

  /** Records activity at most once a minute per session, so browsing rarely writes. */
  async touch(sessionId: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE person_sessions SET last_seen_at = $2
         WHERE session_id = $1 AND ended_at IS NULL AND last_seen_at < $2::timestamptz - interval '60 seconds'`,
      [sessionId, at],
    );
  }

  /** Ends one open session; null if it had already ended (someone else recorded that end). */
  async end(tx: Tx, sessionId: string, reason: SessionEndReason, at: Date): Promise<EndedSession | null> {
    const { rows } = await execute<{ session_id: string; account_id: string; tenant_id: string | null }>(
      tx,
      `UPDATE person_sessions SET ended_at = $3, end_reason = $2
         WHERE session_id = $1 AND ended_at IS NULL
       RETURNING session_id, account_id, tenant_id`,
      [sessionId, reason, at],
    );
    return rows[0] ? toEnded(rows[0], reason) : null;
  }

  /** Ends every open session of an account. */
  async endAllOf(tx: Tx, accountId: string, reason: SessionEndReason, at: Date): Promise<EndedSession[]> {
    const { rows } = await execute<{ session_id: string; account_id: string; tenant_id: string | null }>(
      tx,
      `UPDATE person_sessions SET ended_at = $3, end_reason = $2
         WHERE account_id = $1 AND ended_at IS NULL
       RETURNING session_id, account_id, tenant_id`,
      [accountId, reason, at],
    );
    return rows.map((r) => toEnded(r, reason));
  }

  /**
   * Ends up to `limit` sessions past their idle timeout or absolute expiry.
   * Rows are claimed with SKIP LOCKED, so two sweepers never end (and log) the
   * same session twice.
   */
  async endExpired(tx: Tx, now: Date, idleMs: number, limit: number): Promise<EndedSession[]> {
    const { rows } = await execute<{
      session_id: string;
      account_id: string;
      tenant_id: string | null;
      reason: SessionEndReason;
    }>(
      tx,
      `WITH due AS (
           SELECT session_id, CASE WHEN expires_at <= $1 THEN 'absolute' ELSE 'idle' END AS reason
             FROM person_sessions
            WHERE ended_at IS NULL AND (expires_at <= $1 OR last_seen_at <= $2)
            ORDER BY last_seen_at
            LIMIT ${Math.max(1, Math.floor(limit))}
            FOR UPDATE SKIP LOCKED)
         UPDATE person_sessions s SET ended_at = $1, end_reason = due.reason
           FROM due WHERE s.session_id = due.session_id
         RETURNING s.session_id, s.account_id, s.tenant_id, due.reason`,
      [now, new Date(now.getTime() - idleMs)],
    );
    return rows.map((r) => toEnded(r, r.reason));
  }
}

const toEnded = (
  r: { session_id: string; account_id: string; tenant_id: string | null },
  reason: SessionEndReason,
): EndedSession => ({ sessionId: r.session_id, accountId: r.account_id, tenantId: r.tenant_id, reason });
