import { Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, LessThan } from 'typeorm';
import { MasterKeyring } from '../../crypto';
import { Clock } from '../../platform/clock/clock';
import { execute } from '../../platform/database/sql';
import { validationFailed } from '../../platform/errors/domain-error';
import { OAuthStateUse } from './oauth-state-use.entity';
import { isUuid } from '../../platform/validation/uuid';

export type OAuthMarketplace = 'amazon' | 'ebay';

/**
 * Where the seller's browser goes after the marketplace's redirect: `api` answers the callback with the
 * connection as JSON (a client that started the flow itself); `console` sends the browser on to the console's
 * accounts page, saying what happened.
 */
export type OAuthLanding = 'api' | 'console';

/**
 * What a `state` carries between our start endpoint and the marketplace's
 * redirect to our callback. Ids only: no secrets, no seller or buyer data.
 */
export interface OAuthState {
  readonly tenantId: string;
  readonly marketplace: OAuthMarketplace;
  /** Amazon region (na, eu, fe) or eBay marketplace id (EBAY_DE). */
  readonly region: string;
  /** Amazon marketplace ids to sync (empty for eBay). */
  readonly marketplaceIds: readonly string[];
  /** 128 random bits, base64url: makes the state unique and single-use. */
  readonly nonce: string;
  /** Expiry, Unix seconds. */
  readonly exp: number;
  /** Absent: `api`. */
  readonly landing?: 'console';
}

/** Long enough for a seller to log in and consent, short enough that a leaked state soon dies. */
export const OAUTH_STATE_TTL_SECONDS = 600;
/** crypto_kdf context of the state MAC key (MasterKeyring.macs). */
const MAC_CONTEXT = 'oauthst1';
/** Payload JSON stays far below this; anything longer is not ours. */
const MAX_STATE_LENGTH = 2048;
const B64URL = /^[A-Za-z0-9_-]+$/;
const NAME = { amazon: 'Amazon', ebay: 'eBay' } as const;

const stateError = (message: string) =>
  validationFailed(message, [{ field: 'state', issue: 'start the connection again' }]);

/**
 * Signed, expiring, single-use OAuth `state` tokens:
 * `base64url(payload JSON) "." base64url(HMAC-SHA256)`, the MAC key derived
 * from the master key so every replica verifies what any replica issued.
 */
@Injectable()
export class OAuthStateService {
  constructor(
    private readonly keyring: MasterKeyring,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  issue(
    input: Pick<OAuthState, 'tenantId' | 'marketplace' | 'region' | 'marketplaceIds'> & { landing?: OAuthLanding },
  ): {
    state: string;
    expiresAt: Date;
  } {
    const exp = Math.floor(this.clock.nowMs() / 1000) + OAUTH_STATE_TTL_SECONDS;
    const payload: OAuthState = {
      tenantId: input.tenantId,
      marketplace: input.marketplace,
      region: input.region,
      marketplaceIds: [...input.marketplaceIds],
      nonce: randomBytes(16).toString('base64url'),
      exp,
      ...(input.landing === 'console' ? { landing: 'console' as const } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    const tag = this.keyring.macs(MAC_CONTEXT, body)[0];
    return { state: `${body}.${tag.toString('base64url')}`, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Checks signature (constant time, any key in the ring), expiry by the
   * injected clock and the flow the state was issued for. Does not consume it.
   */
  verify(state: string | undefined, marketplace: OAuthMarketplace): OAuthState {
    if (!state) throw stateError('the state parameter is missing');
    const payload = this.signedPayload(state);
    if (!payload) throw stateError('the state parameter is not valid');
    if (payload.exp * 1000 <= this.clock.nowMs()) {
      throw stateError('the authorisation took too long and its state has expired');
    }
    if (payload.marketplace !== marketplace) {
      throw stateError(`the state was issued for the ${NAME[payload.marketplace]} flow, not ${NAME[marketplace]}`);
    }
    return payload;
  }

  /**
   * Where the browser of this callback goes afterwards, as the state we signed says (expired or used states
   * included: the person still deserves to land where they started). Anything we did not sign lands on `api`.
   */
  landingOf(
    state: string | undefined,
    marketplace: OAuthMarketplace,
  ): { landing: OAuthLanding; tenantId: string | null } {
    const payload = state ? this.signedPayload(state) : undefined;
    return payload?.marketplace === marketplace && payload.landing === 'console'
      ? { landing: 'console', tenantId: payload.tenantId }
      : { landing: 'api', tenantId: null };
  }

  /** The payload of a state whose MAC one of our keys made, or undefined. */
  private signedPayload(state: string): OAuthState | undefined {
    const parts = state.length <= MAX_STATE_LENGTH ? state.split('.') : [];
    if (parts.length !== 2 || !B64URL.test(parts[0]) || !B64URL.test(parts[1])) return undefined;
    const [body, sig] = parts;
    const presented = Buffer.from(sig, 'base64url');
    // Canonical encoding only: base64url's spare low bits would otherwise give one tag several spellings.
    const valid =
      presented.toString('base64url') === sig &&
      this.keyring
        .macs(MAC_CONTEXT, body)
        .reduce((ok, tag) => (presented.length === tag.length && timingSafeEqual(presented, tag)) || ok, false);
    return valid ? parsePayload(body) : undefined;
  }

  /**
   * Marks the state used, once across all replicas (primary-key insert); a
   * second use is refused. Also prunes nonces whose states have expired.
   */
  async consume(state: OAuthState): Promise<void> {
    const now = this.clock.now();
    const manager = this.dataSource.manager;
    await manager.delete(OAuthStateUse, { expiresAt: LessThan(now) });
    const inserted = await execute(
      manager,
      `INSERT INTO oauth_state_uses (nonce, expires_at, used_at) VALUES ($1, $2, $3) ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
      [state.nonce, new Date(state.exp * 1000), now],
    );
    if (inserted.rows.length !== 1) throw stateError('this authorisation link was already used');
  }
}

function parsePayload(body: string): OAuthState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const p = raw as Partial<Record<keyof OAuthState, unknown>>;
  if (
    !p ||
    typeof p !== 'object' ||
    typeof p.tenantId !== 'string' ||
    !isUuid(p.tenantId) ||
    (p.marketplace !== 'amazon' && p.marketplace !== 'ebay') ||
    typeof p.region !== 'string' ||
    !Array.isArray(p.marketplaceIds) ||
    !p.marketplaceIds.every((m) => typeof m === 'string') ||
    typeof p.nonce !== 'string' ||
    !B64URL.test(p.nonce) ||
    typeof p.exp !== 'number' ||
    !Number.isInteger(p.exp)
  ) {
    return undefined;
  }
  return {
    tenantId: p.tenantId,
    marketplace: p.marketplace,
    region: p.region,
    marketplaceIds: p.marketplaceIds as string[],
    nonce: p.nonce,
    exp: p.exp,
    ...(p.landing === 'console' ? { landing: 'console' as const } : {}),
  };
}
