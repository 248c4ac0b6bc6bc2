import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock';

export interface LwaClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Authorization codes "expire after 5 minutes" (reference §4.2 step 4). */
export const AUTHORIZATION_CODE_TTL_MS = 5 * 60 * 1000;

/** Verbatim LWA error bodies (reference §4.1; public client fixtures and issue threads). */
export const LWA_ERRORS = {
  invalidClient: { error_description: 'Client authentication failed', error: 'invalid_client' },
  invalidRefreshToken: {
    error_description:
      "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
    error: 'invalid_grant',
  },
  invalidCode: { error_description: 'The request has an invalid grant parameter : code', error: 'invalid_grant' },
} as const;

export interface LwaResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export type AccessTokenCheck =
  { kind: 'valid'; sellingPartnerId: string } | { kind: 'grantless' } | { kind: 'expired' } | { kind: 'invalid' };

interface RefreshGrant {
  sellingPartnerId: string;
  clientId: string;
  revoked: boolean;
}

interface CodeGrant {
  sellingPartnerId: string;
  clientId: string;
  expiresAt: number;
  used: boolean;
}

interface AccessGrant {
  sellingPartnerId?: string;
  refreshToken?: string;
  expiresAt: number;
  revoked: boolean;
}

/**
 * The Login with Amazon side of the simulator: refresh tokens, authorization codes and
 * access tokens, all timed by the simulator clock. Access tokens last `accessTokenTtlSeconds`
 * (1 h by default, reference §4.1); refresh tokens never expire and minting a new one does
 * not invalidate older ones (same section).
 */
export class LwaAuthority {
  private readonly clients = new Map<string, string>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly codes = new Map<string, CodeGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(
    private readonly clock: Clock,
    clients: readonly LwaClient[],
    private readonly accessTokenTtlSeconds: number,
  ) {
    if (clients.length === 0) throw new Error('The Amazon simulator needs at least one LWA client');
    for (const c of clients) this.clients.set(c.clientId, c.clientSecret);
  }

  defaultClientId(): string {
    return this.clients.keys().next().value as string;
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  mintRefreshToken(sellingPartnerId: string, clientId: string): string {
    const token = `Atzr|${randomBytes(72).toString('base64url')}`;
    this.refreshTokens.set(token, { sellingPartnerId, clientId, revoked: false });
    return token;
  }

  /** The `spapi_oauth_code` Amazon hands to the redirect URI after the seller consents (reference §4.2 step 3). */
  issueAuthorizationCode(sellingPartnerId: string, clientId: string): string {
    const code = `AN${randomBytes(15).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.codes.set(code, {
      sellingPartnerId,
      clientId,
      expiresAt: this.clock.nowMs() + AUTHORIZATION_CODE_TTL_MS,
      used: false,
    });
    return code;
  }

  /** Revokes a refresh token and the access tokens minted from it; false if it was unknown. */
  revokeRefreshToken(token: string): boolean {
    const grant = this.refreshTokens.get(token);
    if (!grant) return false;
    grant.revoked = true;
    for (const access of this.accessTokens.values()) if (access.refreshToken === token) access.revoked = true;
    return true;
  }

  /** Expires every live access token (of one seller, if given) now; returns how many were live. */
  expireAccessTokens(sellingPartnerId?: string): number {
    const now = this.clock.nowMs();
    let count = 0;
    for (const access of this.accessTokens.values()) {
      if (sellingPartnerId !== undefined && access.sellingPartnerId !== sellingPartnerId) continue;
      if (access.expiresAt > now && !access.revoked) count++;
      access.expiresAt = Math.min(access.expiresAt, now);
    }
    return count;
  }

  checkAccessToken(token: string): AccessTokenCheck {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.revoked) return { kind: 'invalid' };
    if (this.clock.nowMs() >= grant.expiresAt) return { kind: 'expired' };
    if (!grant.sellingPartnerId) return { kind: 'grantless' };
    return { kind: 'valid', sellingPartnerId: grant.sellingPartnerId };
  }

  /** `POST /auth/o2/token` with the parameters already decoded from JSON or form encoding. */
  token(params: Record<string, string | undefined>): LwaResult {
    const grantType = params.grant_type;
    if (!grantType) return invalidRequest('grant_type');
    const clientId = params.client_id;
    if (!clientId || this.clients.get(clientId) === undefined || this.clients.get(clientId) !== params.client_secret) {
      return { status: 401, body: { ...LWA_ERRORS.invalidClient } };
    }
    switch (grantType) {
      case 'refresh_token': {
        if (!params.refresh_token) return invalidRequest('refresh_token');
        const grant = this.refreshTokens.get(params.refresh_token);
        if (!grant || grant.revoked || grant.clientId !== clientId) {
          return { status: 400, body: { ...LWA_ERRORS.invalidRefreshToken } };
        }
        return this.grantAccess(grant.sellingPartnerId, params.refresh_token);
      }
      case 'authorization_code': {
        if (!params.code) return invalidRequest('code');
        const grant = this.codes.get(params.code);
        // Codes are single use and short-lived; any failure looks the same to the caller.
        if (!grant || grant.used || grant.clientId !== clientId || this.clock.nowMs() >= grant.expiresAt) {
          return { status: 400, body: { ...LWA_ERRORS.invalidCode } };
        }
        grant.used = true;
        const refreshToken = this.mintRefreshToken(grant.sellingPartnerId, clientId);
        return this.grantAccess(grant.sellingPartnerId, refreshToken);
      }
      case 'client_credentials': {
        // Grantless tokens exist (reference §4.1) but no Orders operation accepts them.
        const token = this.mintAccessToken({});
        return {
          status: 200,
          body: {
            access_token: token,
            scope: params.scope ?? '',
            token_type: 'bearer',
            expires_in: this.accessTokenTtlSeconds,
          },
        };
      }
      default:
        return {
          status: 400,
          body: {
            error_description: `The authorization grant type is not supported by the authorization server`,
            error: 'unsupported_grant_type',
          },
        };
    }
  }

  private grantAccess(sellingPartnerId: string, refreshToken: string): LwaResult {
    const accessToken = this.mintAccessToken({ sellingPartnerId, refreshToken });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: this.accessTokenTtlSeconds,
        refresh_token: refreshToken,
      },
    };
  }

  private mintAccessToken(grant: { sellingPartnerId?: string; refreshToken?: string }): string {
    const token = `Atza|${randomBytes(72).toString('base64url')}`;
    this.accessTokens.set(token, {
      ...grant,
      expiresAt: this.clock.nowMs() + this.accessTokenTtlSeconds * 1000,
      revoked: false,
    });
    return token;
  }
}

function invalidRequest(parameter: string): LwaResult {
  return {
    status: 400,
    body: { error_description: `The request is missing a required parameter : ${parameter}`, error: 'invalid_request' },
  };
}
