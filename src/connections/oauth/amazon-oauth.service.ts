import type { ActorContext } from '../../auth';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AmazonClientFactory } from '../../marketplaces/amazon/amazon-client.factory';
import { MarketplaceError } from '../../marketplaces/marketplace-error';
import { AppLogger } from '../../platform/logging/app-logger';
import { TenantsService } from '../../tenants/tenants.service';
import type { ConnectionView } from '../connection.mapper';
import { ConnectionsService } from '../connections.service';
import { amazonExchangeError, missingParameter, notConfigured, sellerDeclined } from './oauth-errors';
import { OAuthStateService, type OAuthLanding } from './oauth-state';
import { urlUnder, withQuery } from './oauth-urls';

export const AMAZON_CALLBACK_PATH = 'v1/connect/amazon/callback';

export interface ConsentStart {
  /** Where to send the seller's browser. Carries the signed state; treat as single-use. */
  readonly consentUrl: string;
  /** The state (and so the whole flow) is refused after this instant. */
  readonly expiresAt: string;
}

/** Query parameters Amazon appends to the redirect URI (reference §4.2 step 3). */
export interface AmazonCallback {
  readonly state?: string;
  readonly selling_partner_id?: string;
  readonly spapi_oauth_code?: string;
  readonly error?: string;
}

/**
 * SP-API website authorisation workflow: consent URI with a signed state, then
 * the callback exchanges `spapi_oauth_code` at Login with Amazon (through the
 * real client) and stores the refresh token sealed on the seller's connection.
 */
@Injectable()
export class AmazonOAuthService {
  private readonly logger: AppLogger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly states: OAuthStateService,
    private readonly clients: AmazonClientFactory,
    private readonly connections: ConnectionsService,
    private readonly tenants: TenantsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child({ module: 'connections.oauth', marketplace: 'amazon' });
  }

  async start(
    tenantId: string,
    region: string,
    marketplaceIds: readonly string[],
    landing: OAuthLanding = 'api',
  ): Promise<ConsentStart> {
    const { appId } = this.requireConfig();
    await this.tenants.requireTenant(tenantId);
    const { state, expiresAt } = this.states.issue({
      tenantId,
      marketplace: 'amazon',
      region,
      marketplaceIds,
      landing,
    });
    const params: Array<[string, string]> = [
      ['application_id', appId],
      ['state', state],
      ['redirect_uri', urlUnder(this.config.publicBaseUrl, AMAZON_CALLBACK_PATH)],
    ];
    // Draft (unpublished) apps can only be authorised in beta mode (reference §4.2 step 1).
    if (this.config.amazon.draftApp) params.push(['version', 'beta']);
    const consent = new URL(urlUnder(this.config.amazon.sellerCentralUrl, 'apps/authorize/consent'));
    return { consentUrl: withQuery(consent, params), expiresAt: expiresAt.toISOString() };
  }

  /** `by`: the callback's system actor (the signed state, not a key, proves the seller's consent). */
  async complete(by: ActorContext, q: AmazonCallback): Promise<ConnectionView> {
    if (q.error) throw sellerDeclined('amazon', q.error);
    const state = this.states.verify(q.state, 'amazon');
    if (!q.spapi_oauth_code) throw missingParameter('spapi_oauth_code');
    if (!q.selling_partner_id) throw missingParameter('selling_partner_id');
    this.requireConfig();
    // Before the exchange: of two concurrent callbacks with one state, only one gets this far.
    await this.states.consume(state);

    let refreshToken: unknown;
    try {
      refreshToken = (await this.clients.forExchange(state.region).exchange(q.spapi_oauth_code)).refresh_token;
    } catch (err) {
      const mapped = amazonExchangeError(err);
      this.logger.warn('authorisation code exchange failed', {
        tenantId: state.tenantId,
        code: mapped instanceof MarketplaceError ? mapped.marketplaceCode : mapped.code,
      });
      throw mapped;
    }
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
      throw new MarketplaceError('bad_data', 'no_refresh_token', 'Login with Amazon answered without a refresh token');
    }
    const connection = await this.connections.connect(by, {
      tenantId: state.tenantId,
      marketplace: 'amazon',
      region: state.region,
      marketplaceIds: state.marketplaceIds,
      accountId: q.selling_partner_id,
      credentials: { refreshToken },
    });
    this.logger.info('seller authorised', { tenantId: state.tenantId, connectionId: connection.connectionId });
    return connection;
  }

  private requireConfig(): { appId: string } {
    const { appId, lwaClientId, lwaClientSecret } = this.config.amazon;
    const missing = [
      ...(appId ? [] : ['AMAZON_APP_ID']),
      ...(lwaClientId ? [] : ['AMAZON_LWA_CLIENT_ID']),
      ...(lwaClientSecret ? [] : ['AMAZON_LWA_CLIENT_SECRET']),
    ];
    if (!appId || missing.length) throw notConfigured('amazon', missing);
    return { appId };
  }
}
