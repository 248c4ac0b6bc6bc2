import type { IncomingHttpHeaders } from 'node:http';
import { OAUTH_DESCRIPTIONS, oauthError, type SimResponse } from './ebay-errors';
import { parseScopes, type GrantOutcome, type TokenStore } from './token-store';

export const IDENTITY_TOKEN_PATH = '/identity/v1/oauth2/token';

/** What the simulator remembers about a token call. Never the tokens, codes or secrets themselves. */
export interface TokenCallRecord {
  at: string;
  grantType: string;
  clientId?: string;
  status: number;
  error?: string;
  /** Scopes asked for (refresh / client_credentials) or granted (authorization_code). */
  scopes?: string[];
  sellerId?: string;
}

function grantError(outcome: Extract<GrantOutcome, { ok: false }>): SimResponse {
  switch (outcome.error) {
    case 'invalid_grant_code':
      return oauthError(400, 'invalid_grant', OAUTH_DESCRIPTIONS.invalidGrantCode);
    case 'invalid_grant_refresh':
      return oauthError(400, 'invalid_grant', OAUTH_DESCRIPTIONS.invalidRefreshToken);
    case 'invalid_scope':
      return oauthError(400, 'invalid_scope', OAUTH_DESCRIPTIONS.invalidScope);
    case 'invalid_request':
      return oauthError(400, 'invalid_request', OAUTH_DESCRIPTIONS.invalidRequest);
  }
}

/**
 * POST /identity/v1/oauth2/token (reference §2): form-encoded body, Basic client authentication,
 * grants authorization_code, refresh_token and client_credentials, OAuth-style error bodies.
 */
export function handleTokenRequest(
  store: TokenStore,
  headers: IncomingHttpHeaders,
  rawBody: string,
  nowIso: string,
): { response: SimResponse; record: TokenCallRecord } {
  const form = new URLSearchParams(rawBody);
  const grantType = form.get('grant_type') ?? '';
  const record: TokenCallRecord = { at: nowIso, grantType, status: 0 };
  const finish = (response: SimResponse) => {
    record.status = response.status;
    const body = response.body as { error?: string };
    if (response.status >= 400 && typeof body?.error === 'string') record.error = body.error;
    return { response, record };
  };

  const app = store.authenticateClient(headers.authorization);
  if (!app) return finish(oauthError(401, 'invalid_client', OAUTH_DESCRIPTIONS.invalidClient));
  record.clientId = app.clientId;

  const contentType = String(headers['content-type'] ?? '');
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return finish(oauthError(400, 'invalid_request', OAUTH_DESCRIPTIONS.invalidRequest));
  }

  let outcome: GrantOutcome;
  const requested = parseScopes(form.get('scope'));
  switch (grantType) {
    case 'authorization_code':
      outcome = store.exchangeCode(app, form.get('code'), form.get('redirect_uri'));
      break;
    case 'refresh_token':
      if (requested) record.scopes = requested;
      outcome = store.refresh(app, form.get('refresh_token'), requested);
      break;
    case 'client_credentials':
      if (requested) record.scopes = requested;
      outcome = store.clientCredentials(app, requested);
      break;
    default:
      return finish(oauthError(400, 'unsupported_grant_type', OAUTH_DESCRIPTIONS.unsupportedGrantType));
  }
  if (!outcome.ok) return finish(grantError(outcome));
  record.scopes = outcome.scopes;
  if (outcome.sellerId) record.sellerId = outcome.sellerId;
  return finish({ status: 200, body: outcome.body });
}
