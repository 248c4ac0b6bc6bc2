import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { AuthFailuresRepository } from './auth-failures.repository';

/** Fixed windows: failures counted per 15 minutes. */
const WINDOW_MS = 15 * 60_000;
/** A key id that failed this often is locked for the rest of the window (a valid secret included). */
export const KEY_FAILURE_LIMIT = 10;
/** An address that failed this often may not try again until the window ends. */
export const IP_FAILURE_LIMIT = 50;

/**
 * Limits authentication failures per key id and per client address. Counters
 * live in PostgreSQL so every replica enforces the same limit.
 */
@Injectable()
export class AuthThrottle {
  constructor(
    private readonly failures: AuthFailuresRepository,
    private readonly clock: Clock,
  ) {}

  private window(): Date {
    const now = this.clock.nowMs();
    return new Date(now - (now % WINDOW_MS));
  }

  /** Throws rate_limited (with Retry-After) when either bucket is over its limit. */
  async check(ip: string, keyId: string | null): Promise<void> {
    const window = this.window();
    const rows = await this.failures.counts(window, [`ip:${ip}`, ...(keyId ? [`key:${keyId}`] : [])]);
    const over = rows.some((r) =>
      r.bucket.startsWith('key:') ? r.failures >= KEY_FAILURE_LIMIT : r.failures >= IP_FAILURE_LIMIT,
    );
    if (over) {
      const retry = Math.ceil((window.getTime() + WINDOW_MS - this.clock.nowMs()) / 1000);
      throw new DomainError(ErrorCodes.RATE_LIMITED, 'too many failed authentications; try again later', [
        { field: 'retryAfterSeconds', issue: String(Math.max(retry, 1)) },
      ]);
    }
  }

  async fail(ip: string, keyId: string | null): Promise<void> {
    const window = this.window();
    for (const bucket of [`ip:${ip}`, ...(keyId ? [`key:${keyId}`] : [])]) {
      await this.failures.increment(bucket, window);
    }
    // Old windows are worthless; dropping them now and then keeps the table tiny.
    if (Math.random() < 0.02) {
      await this.failures.deleteWindowsBefore(new Date(window.getTime() - 24 * 3600_000));
    }
  }
}
