import type { UsagePlan } from '../marketplace-connector';

/**
 * Default usage plans published in the Orders API v2026-01-01 model. Amazon
 * adjusts Orders plans per seller, so the budget also follows the
 * x-amzn-RateLimit-Limit header whenever a response carries it.
 */
export const AMAZON_USAGE_PLANS: Record<string, UsagePlan> = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
};
