/**
 * Per-app daily call quota (reference §4: limits are per application per day and reset at midnight
 * Pacific time). Only authenticated API calls count, as on eBay's gateway.
 */
const pacificDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export class DailyQuota {
  private readonly used = new Map<string, number>();

  constructor(public limit: number | undefined) {}

  /** Counts one call; false when the app has already used its quota for the Pacific day. */
  admit(clientId: string, now: Date): boolean {
    if (this.limit === undefined) return true;
    const key = `${clientId}@${pacificDay.format(now)}`;
    const count = this.used.get(key) ?? 0;
    if (count >= this.limit) return false;
    this.used.set(key, count + 1);
    return true;
  }

  usedToday(clientId: string, now: Date): number {
    return this.used.get(`${clientId}@${pacificDay.format(now)}`) ?? 0;
  }
}
