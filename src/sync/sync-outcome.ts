import type { ReplaySummary } from './dead-letter-replay';

/** What one sync run of a connection did (for the CLI summary, logs and tests). */
export interface SyncOutcome {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  readonly pages: number;
  readonly created: number;
  readonly updated: number;
  readonly cancelled: number;
  readonly unchanged: number;
  readonly deadLettered: number;
  /** done: caught up; more: stopped with pages left (fairness or budget); failed/auth_failed/skipped. */
  readonly result: 'done' | 'more' | 'throttled' | 'failed' | 'auth_failed' | 'skipped' | 'lease_lost';
  readonly errorCode?: string;
  /** When the connection will be synced next. */
  readonly nextRunAt: Date;
  /** Dead letters re-fetched after the window completed (absent when none was due). */
  readonly replay?: ReplaySummary;
}
