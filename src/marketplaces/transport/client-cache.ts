import type { Clock } from '../../platform/clock/clock';
import type { ConnectorContext } from '../marketplace-connector';

/**
 * A marketplace client per connection and the access token it holds. The token
 * is renewed a margin before it expires (by the injected clock, so tests move
 * time instead of waiting); concurrent calls of one connection share a single
 * renewal; a connection whose credentials change gets a fresh client.
 */
export class ClientCache<C> {
  private readonly entries = new Map<string, TokenLease<C>>();

  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
    private readonly create: (ctx: ConnectorContext, lease: TokenLease<C>) => C,
    private readonly renew: (client: C) => Promise<void>,
  ) {}

  /** The connection's client with a token that is good for at least the margin. */
  async ready(ctx: ConnectorContext): Promise<TokenLease<C>> {
    const lease = this.lease(ctx);
    await lease.ensure();
    return lease;
  }

  forget(connectionId: string): void {
    this.entries.delete(connectionId);
  }

  private lease(ctx: ConnectorContext): TokenLease<C> {
    const fingerprint = `${ctx.region}|${ctx.credentials.refreshToken}|${ctx.credentials.clientId ?? ''}`;
    const cached = this.entries.get(ctx.connectionId);
    if (cached && cached.fingerprint === fingerprint) return cached;
    const lease = new TokenLease<C>(fingerprint, this.clock, this.lifetimeMs, this.renew);
    lease.client = this.create(ctx, lease);
    this.entries.set(ctx.connectionId, lease);
    return lease;
  }
}

export class TokenLease<C> {
  client!: C;
  private expiresAt = 0;
  private renewing?: Promise<void>;

  constructor(
    readonly fingerprint: string,
    private readonly clock: Clock,
    private readonly lifetimeMs: number,
    private readonly renew: (client: C) => Promise<void>,
  ) {}

  /** Single-flight renewal when the token is missing or about to expire. */
  async ensure(): Promise<void> {
    if (this.clock.nowMs() < this.expiresAt) return;
    this.renewing ??= (async () => {
      try {
        await this.renew(this.client);
        this.renewed();
      } finally {
        this.renewing = undefined;
      }
    })();
    await this.renewing;
  }

  /** A token was just issued (by us, or by the client's own reactive refresh). */
  renewed(): void {
    this.expiresAt = this.clock.nowMs() + this.lifetimeMs;
  }

  /** The marketplace said the token is no good: renew before the next call. */
  invalidate(): void {
    this.expiresAt = 0;
  }
}
