import { Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { Clock } from '../platform/clock/clock';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { AuthFailuresRepository } from './auth-failures.repository';

/** Fixed windows: failures counted per 15 minutes. */
const WINDOW_MS = 15 * 60_000;
/** Wrong secrets for one key id from one client address, per window. */
export const KEY_FAILURE_LIMIT = 10;
/** Failures of any kind from one client address (an IPv6 /64), per window. */
export const IP_FAILURE_LIMIT = 50;

export type FailureVerdict = { readonly throttled: false; readonly first: boolean } | ThrottledVerdict;
interface ThrottledVerdict {
  readonly throttled: true;
  /** The failure that crossed a limit (the only one over it that is written to the access log). */
  readonly first: boolean;
  readonly retryAfterSeconds: number;
}

/**
 * Limits authentication failures without handing anyone a way to lock others
 * out: failures are counted per (key id, client address) and per client
 * address, never per key id alone, and they only ever turn a wrong secret's
 * 401 into a 429. A request with the right secret is let through whatever the
 * counters say: key ids are not secret, so counting per key would let anyone
 * lock the key's owner out, and an address shared behind NAT would let one
 * attacker lock out everyone behind it. (Secrets are 256 random bits: the
 * limits bound the work an attacker causes and the log they write, they are
 * not what stops guessing.) Counters live in PostgreSQL, incremented
 * atomically, so every replica and every concurrent request sees the same count.
 */
@Injectable()
export class AuthThrottle {
  constructor(
    private readonly failures: AuthFailuresRepository,
    private readonly clock: Clock,
  ) {}

  /** Counts one failure and says whether the caller is now over a limit (and whether this one crossed it). */
  async fail(address: string, keyId: string | null): Promise<FailureVerdict> {
    const now = this.clock.nowMs();
    const window = new Date(now - (now % WINDOW_MS));
    const who = clientBucket(address);
    const ipBucket = `ip:${who}`;
    const pairBucket = keyId ? `pair:${keyId}@${who}` : null;
    const counts = await this.failures.increment(pairBucket ? [ipBucket, pairBucket] : [ipBucket], window);
    // Old windows are worthless; dropping them now and then keeps the table tiny.
    if (Math.random() < 0.02) await this.failures.deleteWindowsBefore(new Date(window.getTime() - 24 * 3600_000));
    const ip = counts.get(ipBucket) ?? 0;
    const pair = pairBucket ? (counts.get(pairBucket) ?? 0) : 0;
    if (ip <= IP_FAILURE_LIMIT && pair <= KEY_FAILURE_LIMIT) return { throttled: false, first: true };
    return {
      throttled: true,
      first: ip === IP_FAILURE_LIMIT + 1 || pair === KEY_FAILURE_LIMIT + 1,
      retryAfterSeconds: Math.max(1, Math.ceil((window.getTime() + WINDOW_MS - now) / 1000)),
    };
  }

  static rateLimited(v: ThrottledVerdict): DomainError {
    return new DomainError(ErrorCodes.RATE_LIMITED, 'too many failed authentications; try again later', [
      { field: 'retryAfterSeconds', issue: String(v.retryAfterSeconds) },
    ]);
  }
}

/** IPv4 as is (IPv4-mapped IPv6 unwrapped); IPv6 by its /64, the unit one subscriber usually holds. */
export function clientBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
