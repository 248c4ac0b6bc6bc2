export { OAuthConnectController } from './oauth.controller';
export { AmazonOAuthService, AMAZON_CALLBACK_PATH, type ConsentStart } from './amazon-oauth.service';
export { EbayOAuthService, EBAY_IDENTITY_SCOPE } from './ebay-oauth.service';
export { OAuthStateService, OAUTH_STATE_TTL_SECONDS, type OAuthState } from './oauth-state';
export { OAuthStateUse } from './oauth-state-use.entity';
export { CONSENT_OUTCOMES, CONSOLE_CONSENT_RESULT_PATH, type ConsentOutcome } from './consent-outcome';
