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

/**
 * Non-PII order records (ids, dates, amounts, SKUs, country) are deleted this long after purchase by default:
 * Amazon allows non-PII order data for at most 18 months unless longer retention is legally required.
 */
export const DEFAULT_ORDER_RECORD_MONTHS = 18;
/** The longest a seller may keep order records, and only with a stated legal basis (tax record keeping). */
export const MAX_ORDER_RECORD_MONTHS = 120;
export const MAX_RECORD_BASIS_LENGTH = 300;
