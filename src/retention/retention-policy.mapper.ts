import { PII_WINDOW_CAPS, RETENTION_MARKETPLACES, type RetentionMarketplace } from './retention-caps';
import type { RetentionPolicy } from './retention-policy.entity';

export interface MarketplaceRetentionView {
  marketplace: RetentionMarketplace;
  /** Days after an order's retention anchor that its buyer data is destroyed. */
  piiWindowDays: number;
  /** The longest window allowed for this marketplace, and why. */
  piiWindowCapDays: number;
  piiWindowCapBasis: string;
  /** True when the seller never chose: the window is the cap. */
  isDefault: boolean;
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
        isDefault: !row,
        updatedAt: row ? row.updatedAt.toISOString() : null,
      };
    }),
  };
}
