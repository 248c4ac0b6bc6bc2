import type { ReplaySummary } from './dead-letter-replay';
import type { RunTotals } from './run-tally';

/** What one sync run of a connection did (for the CLI summary, logs and tests). */
export interface SyncOutcome extends RunTotals {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly marketplace: string;
  /** done: caught up; more: stopped with pages left (fairness or budget); failed/auth_failed/skipped. */
  readonly result: 'done' | 'more' | 'throttled' | 'failed' | 'auth_failed' | 'skipped' | 'lease_lost';
  readonly errorCode?: string;
  /** When the connection will be synced next. */
  readonly nextRunAt: Date;
  /** Dead letters re-fetched after the window completed (absent when none was due). */
  readonly replay?: ReplaySummary;
}
