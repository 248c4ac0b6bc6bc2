import type { ActorContext } from '../../auth';
import { Inject, Injectable } from '@nestjs/common';
import type eBayApi from 'ebay-api';
import { APP_CONFIG, type AppConfig } from '../../config';
import { EbayClientFactory } from '../../marketplaces/ebay/ebay-client.factory';
import { MarketplaceError } from '../../marketplaces/marketplace-error';
import { AppLogger } from '../../platform/logging/app-logger';
import { TenantsService } from '../../tenants/tenants.service';
import type { ConnectionView } from '../connection.mapper';
import { ConnectionsService } from '../connections.service';
import type { ConsentStart } from './amazon-oauth.service';
import { ebayExchangeError, ebayIdentityError, missingParameter, notConfigured, sellerDeclined } from './oauth-errors';
import { OAuthStateService, type OAuthLanding } from './oauth-state';
import { withQuery } from './oauth-urls';

/**
 * Commerce Identity getUser needs a user token with one of the commerce.identity
 * scopes (getUser "OAuth scope" section); the default one returns only public
 * account data (userId, username, accountType, registrationMarketplaceId).
 */
export const EBAY_IDENTITY_SCOPE = 'https://api.ebay.com/oauth/api_scope/commerce.identity.readonly';

/** Query parameters eBay appends to the RuName's accept (or decline) URL (reference §2 "Redirect"). */
export interface EbayCallback {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
}

/** What we read from getUser. Other fields (business/individual account details) are ignored. */
interface EbayUser {
  userId?: unknown;
  username?: unknown;
}

type AuthToken = Awaited<ReturnType<eBayApi['OAuth2']['mintUserAccessToken']>>;

const ACCOUNT_ID = /^[\w.@-]{1,128}$/;

/**
 * eBay's authorization-code grant: consent URL (RuName as redirect_uri, signed
 * state), then the callback mints a user token with the real `ebay-api` client,
 * identifies the seller with Commerce Identity getUser and stores the refresh
 * token and its consented scopes sealed on the connection.
 */
@Injectable()
export class EbayOAuthService {
  private readonly logger: AppLogger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly states: OAuthStateService,
    private readonly clients: EbayClientFactory,
    private readonly connections: ConnectionsService,
    private readonly tenants: TenantsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child({ module: 'connections.oauth', marketplace: 'ebay' });
  }

  /** The configured scopes plus the identity scope the callback needs to name the seller. */
  consentScopes(): string[] {
    const scopes = [...this.config.ebay.scopes];
    return scopes.includes(EBAY_IDENTITY_SCOPE) ? scopes : [...scopes, EBAY_IDENTITY_SCOPE];
  }

  async start(tenantId: string, marketplaceId: string, landing: OAuthLanding = 'api'): Promise<ConsentStart> {
    const { clientId, ruName } = this.requireConfig();
    await this.tenants.requireTenant(tenantId);
    const { state, expiresAt } = this.states.issue({
      tenantId,
      marketplace: 'ebay',
      region: marketplaceId,
      marketplaceIds: [],
      landing,
    });
    const consentUrl = withQuery(this.config.ebay.authUrl, [
      ['client_id', clientId],
      // The RuName's name, not a URL: eBay redirects to the accept URL registered for it.
      ['redirect_uri', ruName],
      ['response_type', 'code'],
      ['scope', this.consentScopes().join(' ')],
      ['state', state],
    ]);
    return { consentUrl, expiresAt: expiresAt.toISOString() };
  }

  /** `by`: the callback's system actor (the signed state, not a key, proves the seller's consent). */
  async complete(by: ActorContext, q: EbayCallback): Promise<ConnectionView> {
    if (q.error) throw sellerDeclined('ebay', q.error);
    const state = this.states.verify(q.state, 'ebay');
    // eBay's decline path has no code (reference §2): without one there is nothing to exchange.
    if (!q.code) throw missingParameter('code');
    this.requireConfig();
    await this.states.consume(state);

    const api = this.clients.create(state.region);
    let token: AuthToken;
    try {
      token = await api.OAuth2.mintUserAccessToken(q.code);
    } catch (err) {
      throw this.logged(ebayExchangeError(err), state.tenantId, 'authorisation code exchange failed');
    }
    if (typeof token?.refresh_token !== 'string' || token.refresh_token.length === 0) {
      throw new MarketplaceError('bad_data', 'no_refresh_token', 'eBay answered without a refresh token');
    }
    api.OAuth2.setCredentials(token);

    let user: EbayUser;
    try {
      user = ((await api.commerce.identity.getUser()) ?? {}) as EbayUser;
    } catch (err) {
      throw this.logged(ebayIdentityError(err), state.tenantId, 'identity lookup failed');
    }
    // userId is immutable; the username can be changed by the seller (getUser UserResponse).
    if (typeof user.userId !== 'string' || !ACCOUNT_ID.test(user.userId)) {
      throw new MarketplaceError('bad_data', 'no_user_id', 'eBay getUser answered without a usable userId');
    }
    const username = typeof user.username === 'string' ? user.username.trim().slice(0, 200) : '';
    const connection = await this.connections.connect(by, {
      tenantId: state.tenantId,
      marketplace: 'ebay',
      region: state.region,
      marketplaceIds: [],
      accountId: user.userId,
      displayName: username ? `eBay ${state.region} ${username}` : undefined,
      credentials: { refreshToken: token.refresh_token, scopes: this.consentScopes() },
    });
    this.logger.info('seller authorised', { tenantId: state.tenantId, connectionId: connection.connectionId });
    return connection;
  }

  private logged<E extends Error>(error: E, tenantId: string, msg: string): E {
    const code = error instanceof MarketplaceError ? error.marketplaceCode : (error as { code?: string }).code;
    this.logger.warn(msg, { tenantId, code });
    return error;
  }

  private requireConfig(): { clientId: string; ruName: string } {
    const { clientId, clientSecret, ruName } = this.config.ebay;
    const missing = [
      ...(clientId ? [] : ['EBAY_CLIENT_ID']),
      ...(clientSecret ? [] : ['EBAY_CLIENT_SECRET']),
      ...(ruName ? [] : ['EBAY_RUNAME']),
    ];
    if (!clientId || !ruName || missing.length) throw notConfigured('ebay', missing);
    return { clientId, ruName };
  }
}
