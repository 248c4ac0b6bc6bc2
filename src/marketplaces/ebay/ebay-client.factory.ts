import { Inject, Injectable } from '@nestjs/common';
import eBayApi from 'ebay-api';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { ConnectionCredentials } from '../marketplace-connector';
import { MarketplaceError } from '../marketplace-error';
import type { HostRoutingAgent } from '../transport/host-routing-agent';
import { ebayAgent } from '../transport/marketplace-agents';

/** The application-token scope (client-credentials grant); what the Notification API's getPublicKey requires. */
export const EBAY_APP_SCOPE = 'https://api.ebay.com/oauth/api_scope';

/** Builds real `ebay-api` clients routed through our HTTPS agent. */
@Injectable()
export class EbayClientFactory {
  readonly agent: HostRoutingAgent;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.agent = ebayAgent(config);
  }

  create(marketplaceId: string, credentials?: ConnectionCredentials): eBayApi {
    const appId = credentials?.clientId ?? this.config.ebay.clientId;
    const certId = credentials?.clientSecret ?? this.config.ebay.clientSecret;
    if (!appId || !certId) {
      throw new MarketplaceError('unknown', 'CREDENTIALS_MISSING', 'EBAY_CLIENT_ID/SECRET are not configured');
    }
    return new eBayApi({
      appId,
      certId,
      sandbox: false,
      ruName: this.config.ebay.ruName,
      // Refreshes must ask for exactly the consented scopes, or eBay narrows the token.
      scope: [...(credentials?.scopes ?? this.config.ebay.scopes)],
      autoRefreshToken: true,
      marketplaceId: marketplaceId as never,
      axiosConfig: { httpsAgent: this.agent, timeout: this.config.httpTimeoutMs, proxy: false },
    });
  }

  /**
   * A client acting as the application itself (no seller): it mints an application token with the
   * client-credentials grant on first use (`ebay-api` does not renew it by expiry; a 401 makes it mint again).
   */
  createAppClient(): eBayApi {
    const { clientId, clientSecret } = this.config.ebay;
    if (!clientId || !clientSecret) {
      throw new MarketplaceError('unknown', 'CREDENTIALS_MISSING', 'EBAY_CLIENT_ID/SECRET are not configured');
    }
    return new eBayApi({
      appId: clientId,
      certId: clientSecret,
      sandbox: false,
      scope: [EBAY_APP_SCOPE],
      autoRefreshToken: true,
      axiosConfig: { httpsAgent: this.agent, timeout: this.config.httpTimeoutMs, proxy: false },
    });
  }
}
