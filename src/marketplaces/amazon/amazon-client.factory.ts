import { Inject, Injectable } from '@nestjs/common';
import { SellingPartner } from 'amazon-sp-api';
import { APP_CONFIG, type AppConfig } from '../../config';
import { MarketplaceError } from '../marketplace-error';
import type { ConnectionCredentials } from '../marketplace-connector';
import type { HostRoutingAgent } from '../transport/host-routing-agent';
import { amazonAgent } from '../transport/marketplace-agents';

const REGIONS = ['na', 'eu', 'fe'] as const;
export type AmazonRegion = (typeof REGIONS)[number];

export const isAmazonRegion = (r: string): r is AmazonRegion => (REGIONS as readonly string[]).includes(r);

/**
 * Builds real `amazon-sp-api` clients. Their own retry loops are switched off
 * (unbounded retries on throttling and network errors): our scheduler owns
 * throttling with a budget shared across replicas.
 */
@Injectable()
export class AmazonClientFactory {
  readonly agent: HostRoutingAgent;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.agent = amazonAgent(config);
  }

  create(region: string, credentials: ConnectionCredentials): SellingPartner {
    if (!isAmazonRegion(region)) throw new MarketplaceError('unknown', 'bad_region', 'unknown Amazon region');
    const clientId = credentials.clientId ?? this.config.amazon.lwaClientId;
    const clientSecret = credentials.clientSecret ?? this.config.amazon.lwaClientSecret;
    if (!clientId || !clientSecret) {
      throw new MarketplaceError('unknown', 'CREDENTIALS_MISSING', 'AMAZON_LWA_CLIENT_ID/SECRET are not configured');
    }
    return new SellingPartner({
      region,
      refresh_token: credentials.refreshToken,
      credentials: { SELLING_PARTNER_APP_CLIENT_ID: clientId, SELLING_PARTNER_APP_CLIENT_SECRET: clientSecret },
      endpoints_versions: { orders: '2026-01-01' },
      options: {
        auto_request_tokens: true,
        auto_request_throttled: false,
        retry_remote_timeout: false,
        use_sandbox: false,
        https_proxy_agent: this.agent,
        timeouts: { deadline: this.config.httpTimeoutMs },
      },
    });
  }

  /** A client for the authorisation-code exchange (no refresh token yet). */
  forExchange(region: string): SellingPartner {
    return this.create(region, { refreshToken: 'pending-exchange' });
  }
}
