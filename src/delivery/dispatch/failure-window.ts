/** An endpoint whose every attempt has failed this long is disabled. */
export const FAILURE_WINDOW_MS = 5 * 24 * 3600_000;
/** Warnings at these shares of the window (levels 1 and 2); level 3 is the disabling. */
export const WARNING_SHARES: readonly number[] = [0.5, 0.9];

/** The level a failing stretch has reached: 0 none, 1 and 2 warnings, 3 disable. */
export function failureLevel(failingSince: Date, now: Date): number {
  const share = (now.getTime() - failingSince.getTime()) / FAILURE_WINDOW_MS;
  if (share >= 1) return 3;
  return WARNING_SHARES.filter((w) => share >= w).length;
}
