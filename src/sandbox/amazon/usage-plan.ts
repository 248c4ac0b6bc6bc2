import type { Clock } from '../../platform/clock/clock';

export type UsagePlanOperation = 'searchOrders' | 'getOrder';

export interface UsagePlan {
  /** Tokens added per second. */
  readonly rate: number;
  /** Bucket size. */
  readonly burst: number;
}

/** Default plans from the model's operation descriptions (reference §1.2 table, §3 "Defaults that matter"). */
export const PUBLISHED_USAGE_PLANS: Readonly<Record<UsagePlanOperation, UsagePlan>> = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
};

/** `x-amzn-RateLimit-Limit` carries the rate as a plain decimal string, e.g. "0.0056" (reference §3). */
export function rateLimitHeader(plan: UsagePlan): string {
  return String(plan.rate);
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/**
 * Token buckets per (selling partner, operation), as SP-API applies usage plans per
 * application and selling-partner pair (reference §3 "Algorithm"). Time comes from the
 * simulator clock so tests refill a bucket by advancing the clock, not by sleeping.
 */
export class UsagePlanBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Takes one token; false means the request is throttled (and costs nothing). */
  take(sellingPartnerId: string, operation: UsagePlanOperation, plan: UsagePlan): boolean {
    const key = `${sellingPartnerId}\u0000${operation}`;
    const now = this.clock.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: plan.burst, refilledAt: now };
    // A clock moved backwards must not mint tokens.
    const elapsedSeconds = Math.max(0, now - bucket.refilledAt) / 1000;
    bucket.tokens = Math.min(plan.burst, bucket.tokens + elapsedSeconds * plan.rate);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
