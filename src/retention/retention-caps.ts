/** Marketplaces whose buyer data we hold (the orders table's `marketplace`). */
export const RETENTION_MARKETPLACES = ['amazon', 'ebay'] as const;
export type RetentionMarketplace = (typeof RETENTION_MARKETPLACES)[number];

/** Our own promise: nowhere is buyer data kept longer than this after its anchor. */
export const ABSOLUTE_PII_WINDOW_CAP_DAYS = 90;

export interface PiiWindowCap {
  readonly days: number;
  /** Why this is the cap: named in every refusal. */
  readonly basis: string;
}

/**
 * The longest buyer-data window a seller may choose per marketplace, counted
 * from the order's retention anchor. The default window is the cap.
 */
export const PII_WINDOW_CAPS: Readonly<Record<RetentionMarketplace, PiiWindowCap>> = {
  amazon: {
    days: 30,
    basis: 'Amazon Data Protection Policy: buyer data is deleted within 30 days after delivery',
  },
  ebay: { days: 90, basis: 'ordervault keeps no buyer data longer than 90 days' },
};

export const isRetentionMarketplace = (m: string): m is RetentionMarketplace =>
  (RETENTION_MARKETPLACES as readonly string[]).includes(m);
