import {
  DEFAULT_ORDER_RECORD_MONTHS,
  MAX_ORDER_RECORD_MONTHS,
  PII_WINDOW_CAPS,
  RETENTION_MARKETPLACES,
  type RetentionMarketplace,
} from './retention-caps';
import type { RetentionPolicy } from './retention-policy.entity';

export interface MarketplaceRetentionView {
  marketplace: RetentionMarketplace;
  /** Days after an order's retention anchor that its buyer data is destroyed. */
  piiWindowDays: number;
  /** The longest window allowed for this marketplace, and why. */
  piiWindowCapDays: number;
  piiWindowCapBasis: string;
  /** True when the seller never chose a buyer-data window: the window is the cap. */
  isDefault: boolean;
  /** Months after purchase that the (non-PII) order record is deleted. */
  orderRecordMonths: number;
  /** Default 18; at most this, with a stated legal basis. */
  orderRecordMaxMonths: number;
  /** The legal basis stated for a period longer than 18 months; null at the default. */
  orderRecordBasis: string | null;
  updatedAt: string | null;
}

export interface RetentionPolicyView {
  tenantId: string;
  marketplaces: MarketplaceRetentionView[];
}

/** Every marketplace, the seller's choice where one is stored, the cap otherwise. */
export function toRetentionPolicyView(tenantId: string, rows: readonly RetentionPolicy[]): RetentionPolicyView {
  const byMarketplace = new Map(rows.map((r) => [r.marketplace, r]));
  return {
    tenantId,
    marketplaces: RETENTION_MARKETPLACES.map((marketplace) => {
      const row = byMarketplace.get(marketplace);
      const cap = PII_WINDOW_CAPS[marketplace];
      return {
        marketplace,
        piiWindowDays: row?.piiWindowDays ?? cap.days,
        piiWindowCapDays: cap.days,
        piiWindowCapBasis: cap.basis,
        isDefault: row?.piiWindowDays == null,
        orderRecordMonths: row?.orderRecordMonths ?? DEFAULT_ORDER_RECORD_MONTHS,
        orderRecordMaxMonths: MAX_ORDER_RECORD_MONTHS,
        orderRecordBasis: row?.orderRecordBasis ?? null,
        updatedAt: row ? row.updatedAt.toISOString() : null,
      };
    }),
  };
}
