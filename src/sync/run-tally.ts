import type { CommittedPage } from './page-committer';

/** What one run has committed so far (counts only). */
export interface RunTotals {
  readonly pages: number;
  readonly created: number;
  readonly updated: number;
  readonly cancelled: number;
  readonly unchanged: number;
  readonly deadLettered: number;
}

export const NO_PAGES: RunTotals = { pages: 0, created: 0, updated: 0, cancelled: 0, unchanged: 0, deadLettered: 0 };

/** The totals after one more committed page. */
export const addPage = (t: RunTotals, c: CommittedPage): RunTotals => ({
  pages: t.pages + 1,
  created: t.created + c.created,
  updated: t.updated + c.updated,
  cancelled: t.cancelled + c.cancelled,
  unchanged: t.unchanged + c.unchanged + c.stale,
  deadLettered: t.deadLettered + c.deadLettered,
});
