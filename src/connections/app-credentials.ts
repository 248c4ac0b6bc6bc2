import type { AppConfig } from '../config';
import type { MarketplaceName } from '../marketplaces/canonical-order';

/**
 * The settings a marketplace's syncs need from this server (its application's client id and secret), by the
 * environment variable that sets each. Without them every refresh of a seller's token fails, whatever the seller
 * did, so a connection cannot work until the operator sets them. (The consent flows need more: OAuth checks those.)
 */
export function missingAppCredentials(config: AppConfig, marketplace: MarketplaceName): string[] {
  const wanted: Array<[string, string | undefined]> =
    marketplace === 'amazon'
      ? [
          ['AMAZON_LWA_CLIENT_ID', config.amazon.lwaClientId],
          ['AMAZON_LWA_CLIENT_SECRET', config.amazon.lwaClientSecret],
        ]
      : [
          ['EBAY_CLIENT_ID', config.ebay.clientId],
          ['EBAY_CLIENT_SECRET', config.ebay.clientSecret],
        ];
  return wanted.filter(([, value]) => !value).map(([name]) => name);
}

/** The status reason shown for a connection whose marketplace is not configured (variable names, no secrets). */
export const needsConfigurationReason = (missing: readonly string[]) => `not set: ${missing.join(', ')}`;
