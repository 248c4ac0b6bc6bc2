import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock';

/** A developer keyset as registered with eBay: App ID (client id), Cert ID (client secret) and RuName. */
export interface EbayApp {
  clientId: string;
  clientSecret: string;
  ruName: string;
}

export const EBAY_SCOPES = {
  /** App-token scope; also what getPublicKey requires (Notification spec `security`). */
  api: 'https://api.ebay.com/oauth/api_scope',
  fulfillment: 'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
  fulfillmentReadonly: 'https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly',
} as const;

/** Either scope grants getOrders/getOrder (reference §1.1). */
export const FULFILLMENT_READ_SCOPES: readonly string[] = [EBAY_SCOPES.fulfillment, EBAY_SCOPES.fulfillmentReadonly];

/** Scopes a client_credentials grant may ask for in this simulator (the public-data scope only). */
const APP_TOKEN_SCOPES: readonly string[] = [EBAY_SCOPES.api];

/** 18 months, not rotated on refresh (reference §2). */
export const REFRESH_TOKEN_TTL_SECONDS = 47_304_000;
/** The consent redirect carries `expires_in=299` (reference §2 "Auth code"). */
export const AUTH_CODE_TTL_SECONDS = 299;

export interface AccessTokenRecord {
  kind: 'user' | 'app';
  clientId: string;
  sellerId?: string;
  scopes: string[];
  expiresAt: number;
  /** For revocation cascade: the refresh token this access token came from. */
  refreshToken?: string;
}

interface RefreshTokenRecord {
  sellerId: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface AuthCodeRecord {
  sellerId: string;
  clientId: string;
  ruName: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export type GrantOutcome =
  | { ok: true; body: Record<string, unknown>; scopes: string[]; sellerId?: string }
  | { ok: false; error: 'invalid_grant_code' | 'invalid_grant_refresh' | 'invalid_scope' | 'invalid_request' };

/**
 * Opaque token text in eBay's visible style (`v^1.1#i^1#…#t^<base64>`, reference §2 "Token format").
 * Random, not seeded: tokens are secrets and nothing should be able to predict them.
 */
function opaque(prefix: string): string {
  return `${prefix}${randomBytes(48).toString('base64')}`;
}

/** Parses a space-separated scope parameter; an absent/empty one yields undefined. */
export function parseScopes(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const scopes = raw.split(/\s+/).filter((s) => s.length > 0);
  return scopes.length > 0 ? scopes : undefined;
}

/**
 * The simulator's authorization server state: apps, consents (refresh tokens), one-shot authorization
 * codes and access tokens. Lifetimes are measured on the injected clock.
 */
export class TokenStore {
  private readonly apps = new Map<string, EbayApp>();
  private readonly codes = new Map<string, AuthCodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();

  constructor(
    private readonly clock: Clock,
    apps: readonly EbayApp[],
    private readonly accessTokenTtlSeconds: number,
  ) {
    for (const app of apps) this.apps.set(app.clientId, { ...app });
  }

  app(clientId: string): EbayApp | undefined {
    return this.apps.get(clientId);
  }

  firstApp(): EbayApp {
    const first = this.apps.values().next();
    if (first.done) throw new Error('EbaySimulator needs at least one app');
    return first.value;
  }

  /** `Authorization: Basic base64(clientId:clientSecret)` (reference §2 "Headers"). */
  authenticateClient(header: string | undefined): EbayApp | undefined {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const app = this.apps.get(decoded.slice(0, colon));
    return app && app.clientSecret === decoded.slice(colon + 1) ? app : undefined;
  }

  issueAuthorizationCode(sellerId: string, clientId: string, ruName: string, scopes: string[]): string {
    const app = this.apps.get(clientId);
    if (!app) throw new Error(`Unknown eBay app ${clientId}`);
    if (app.ruName !== ruName) throw new Error(`RuName ${ruName} does not belong to app ${clientId}`);
    const code = opaque('v^1.1#i^1#f^0#I^3#r^1#p^3#t^Ul41XzA6');
    this.codes.set(code, {
      sellerId,
      clientId,
      ruName,
      scopes: [...scopes],
      expiresAt: this.clock.nowMs() + AUTH_CODE_TTL_SECONDS * 1000,
      used: false,
    });
    return code;
  }

  /** A consent as if the seller had gone through the browser flow: a fresh refresh token. */
  issueRefreshToken(sellerId: string, clientId: string, scopes: string[]): string {
    if (!this.apps.has(clientId)) throw new Error(`Unknown eBay app ${clientId}`);
    const token = opaque('v^1.1#i^1#p^3#r^1#I^3#f^0#t^Ul4x');
    this.refreshTokens.set(token, {
      sellerId,
      clientId,
      scopes: [...scopes],
      expiresAt: this.clock.nowMs() + REFRESH_TOKEN_TTL_SECONDS * 1000,
      revoked: false,
    });
    return token;
  }

  private mintAccess(record: Omit<AccessTokenRecord, 'expiresAt'>): string {
    const token = opaque(
      record.kind === 'user' ? 'v^1.1#i^1#p^3#r^1#I^3#f^0#t^H4sI' : 'v^1.1#i^1#p^1#r^0#I^3#f^0#t^H4sI',
    );
    this.accessTokens.set(token, { ...record, expiresAt: this.clock.nowMs() + this.accessTokenTtlSeconds * 1000 });
    return token;
  }

  /** grant_type=authorization_code: code issued to this client, unexpired, unused, redirect_uri = RuName. */
  exchangeCode(app: EbayApp, code: string | null, redirectUri: string | null): GrantOutcome {
    if (!code || !redirectUri) return { ok: false, error: 'invalid_request' };
    const record = this.codes.get(code);
    if (
      !record ||
      record.used ||
      record.clientId !== app.clientId ||
      record.expiresAt < this.clock.nowMs() ||
      redirectUri !== record.ruName
    ) {
      return { ok: false, error: 'invalid_grant_code' };
    }
    record.used = true;
    const refreshToken = this.issueRefreshToken(record.sellerId, app.clientId, record.scopes);
    const accessToken = this.mintAccess({
      kind: 'user',
      clientId: app.clientId,
      sellerId: record.sellerId,
      scopes: record.scopes,
      refreshToken,
    });
    return {
      ok: true,
      scopes: record.scopes,
      sellerId: record.sellerId,
      // Field order as in eBay's documented response (examples/ebay/oauth.token.authorization_code…).
      body: {
        access_token: accessToken,
        expires_in: this.accessTokenTtlSeconds,
        refresh_token: refreshToken,
        refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
        token_type: 'User Access Token',
      },
    };
  }

  /** grant_type=refresh_token: no new refresh token; scope must be ⊆ consent (reference §2). */
  refresh(app: EbayApp, refreshToken: string | null, requested: string[] | undefined): GrantOutcome {
    if (!refreshToken) return { ok: false, error: 'invalid_request' };
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.revoked || record.clientId !== app.clientId || record.expiresAt < this.clock.nowMs()) {
      return { ok: false, error: 'invalid_grant_refresh' };
    }
    // eBay documents `scope` as required here; when a client omits it we grant the consented set.
    const scopes = requested ?? record.scopes;
    if (!scopes.every((s) => record.scopes.includes(s))) return { ok: false, error: 'invalid_scope' };
    const accessToken = this.mintAccess({
      kind: 'user',
      clientId: app.clientId,
      sellerId: record.sellerId,
      scopes,
      refreshToken,
    });
    return {
      ok: true,
      scopes,
      sellerId: record.sellerId,
      body: { access_token: accessToken, expires_in: this.accessTokenTtlSeconds, token_type: 'User Access Token' },
    };
  }

  /** grant_type=client_credentials: an application token for public-data scopes only. */
  clientCredentials(app: EbayApp, requested: string[] | undefined): GrantOutcome {
    if (!requested) return { ok: false, error: 'invalid_request' };
    if (!requested.every((s) => APP_TOKEN_SCOPES.includes(s))) return { ok: false, error: 'invalid_scope' };
    const accessToken = this.mintAccess({ kind: 'app', clientId: app.clientId, scopes: requested });
    return {
      ok: true,
      scopes: requested,
      body: {
        access_token: accessToken,
        expires_in: this.accessTokenTtlSeconds,
        token_type: 'Application Access Token',
      },
    };
  }

  /** The live record behind a Bearer token, or undefined when unknown/expired. */
  lookupAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    if (!record || record.expiresAt <= this.clock.nowMs()) return undefined;
    return record;
  }

  /**
   * Revokes a consent. Access tokens minted from it stop working at once too (as when a seller removes the
   * app's access in My eBay); eBay does not document this cascade, it is the conservative choice.
   */
  revokeRefreshToken(token: string): boolean {
    const record = this.refreshTokens.get(token);
    if (!record) return false;
    record.revoked = true;
    for (const [access, rec] of this.accessTokens) if (rec.refreshToken === token) this.accessTokens.delete(access);
    return true;
  }

  /** Makes every access token issued so far invalid (the next API call gets the exact 401). */
  expireAccessTokens(filter: { sellerId?: string } = {}): number {
    let count = 0;
    const now = this.clock.nowMs();
    for (const rec of this.accessTokens.values()) {
      if (filter.sellerId !== undefined && rec.sellerId !== filter.sellerId) continue;
      if (rec.expiresAt > now) count++;
      rec.expiresAt = Math.min(rec.expiresAt, now);
    }
    return count;
  }
}
