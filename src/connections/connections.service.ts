import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActorContext } from '../auth';
import { AuditLog, auditedBy } from '../audit';
import { APP_CONFIG, type AppConfig } from '../config';
import { DataKeyService } from '../crypto';
import type { MarketplaceName } from '../marketplaces/canonical-order';
import type { ConnectionCredentials, ConnectorContext } from '../marketplaces/marketplace-connector';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { Clock } from '../platform/clock/clock';
import { TenantsService } from '../tenants/tenants.service';
import { missingAppCredentials, needsConfigurationReason } from './app-credentials';
import type { MarketplaceConnection } from './connection.entity';
import { toConnectionView, type ConnectionView, type ConnectionViewStatus } from './connection.mapper';
import { ConnectionsRepository } from './connections.repository';
import { notConfigured } from './oauth/oauth-errors';
import { isUuid } from '../platform/validation/uuid';

/** Purpose bound into a connection's sealed credentials and their data key. */
export const CREDENTIALS_PURPOSE = 'connection.credentials';

export interface NewConnection {
  readonly tenantId: string;
  readonly marketplace: MarketplaceName;
  readonly region: string;
  readonly marketplaceIds: readonly string[];
  readonly accountId: string;
  readonly displayName?: string;
  readonly credentials: ConnectionCredentials;
}

const AMAZON_REGIONS = ['na', 'eu', 'fe'];
const DAY_MS = 86_400_000;
/** The longest a seller may keep a disconnected connection's buyer data for a reconnection to continue. */
export const MAX_DISCONNECT_GRACE_DAYS = 30;
/**
 * A connection whose authorisation the marketplace revoked keeps its buyer data this long for the seller to
 * re-authorise (the longest grace a seller may choose), then it is destroyed as for a disconnection.
 */
export const REVOKED_GRACE_DAYS = 30;

/** A connection that ended and whose buyer data is due for destruction. */
export interface EndedConnection {
  readonly connectionId: string;
  readonly marketplace: MarketplaceName;
  readonly dueAt: Date;
  /** Why it ended: `disconnected`, or the marketplace's code (`invalid_grant`). */
  readonly reason: string;
}

/**
 * Sellers' marketplace accounts and their sealed credentials. Credentials are
 * opened only to hand them to a connector for one sync, never returned.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsRepository,
    private readonly dataKeys: DataKeyService,
    private readonly tx: TransactionManager,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private readonly dueListeners: Array<(tenantId: string) => void> = [];

  /**
   * Called (after commit) when a connection's buyer data has become due at once (a disconnection without
   * grace), so whoever destroys it can start now instead of at its next tick. Registered by retention/.
   */
  whenBuyerDataDue(listener: (tenantId: string) => void): void {
    this.dueListeners.push(listener);
  }

  /**
   * Adds a connection, or, when the seller re-authorises an account we already
   * know, replaces its credentials and reactivates it (one row per account).
   */
  async connect(by: ActorContext, input: NewConnection): Promise<ConnectionView> {
    validate(input);
    // Refused rather than stored `active` and failing every sync: the operator must set these first.
    const missing = missingAppCredentials(this.config, input.marketplace);
    if (missing.length) throw notConfigured(input.marketplace, missing);
    await this.tenants.requireTenant(input.tenantId);
    const saved = await this.tx.run(async (tx) => {
      const existing = await this.connections.findByAccount(
        tx,
        input.tenantId,
        input.marketplace,
        input.region,
        input.accountId,
      );
      const connection =
        existing ??
        this.connections.create({
          tenantId: input.tenantId,
          connectionId: randomUUID(),
          marketplace: input.marketplace,
          region: input.region,
          accountId: input.accountId,
        });
      connection.marketplaceIds = [...input.marketplaceIds];
      connection.displayName = input.displayName?.trim() || `${input.marketplace} ${input.region} ${input.accountId}`;
      connection.status = 'active';
      connection.statusReason = null;
      // A re-authorisation continues the connection: a scheduled destruction of its buyer data is cancelled.
      const cancelled = existing?.buyerDataDueAt ?? null;
      connection.buyerDataDueAt = null;
      connection.buyerDataDestroyedAt = null;
      // A fresh data key per consent: the previous credentials are shredded with the old key.
      if (existing) await this.dataKeys.destroyDataKeys(tx, input.tenantId, [connection.connectionId]);
      const keys = await this.dataKeys.createDataKeys(tx, input.tenantId, [
        { subjectId: connection.connectionId, purpose: CREDENTIALS_PURPOSE },
      ]);
      connection.credentialsCiphertext = keys
        .get(connection.connectionId)!
        .sealJson(CREDENTIALS_PURPOSE, input.credentials);
      const stored = await this.connections.save(tx, connection);
      await this.audit.append(tx, {
        tenantId: input.tenantId,
        ...auditedBy(by),
        action: existing ? 'connection.updated' : 'connection.created',
        targets: { connectionId: stored.connectionId },
        reason: existing
          ? `re-authorised; previous credentials destroyed${cancelled ? `; buyer-data destruction due ${cancelled.toISOString()} cancelled` : ''}`
          : null,
        outcome: 'allowed',
      });
      return stored;
    });
    return this.view(saved);
  }

  list(tenantId: string): Promise<ConnectionView[]> {
    return this.connections.list(tenantId).then((rows) => rows.map((c) => this.view(c)));
  }

  async get(tenantId: string, connectionId: string): Promise<ConnectionView> {
    return this.view(await this.require(tenantId, connectionId));
  }

  /**
   * Disconnects: stops syncing, shreds the stored credentials and schedules the destruction of the
   * connection's buyer data: at once by default, or after `graceDays` (at most 30) so that a re-authorisation
   * of the same account continues the connection with its data. A schedule already set earlier stays.
   */
  async disconnect(
    by: ActorContext,
    tenantId: string,
    connectionId: string,
    options: { graceDays?: number } = {},
  ): Promise<ConnectionView> {
    const graceDays = options.graceDays ?? 0;
    if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_DISCONNECT_GRACE_DAYS) {
      throw validationFailed('invalid grace period', [
        { field: 'graceDays', issue: `whole days from 0 to ${MAX_DISCONNECT_GRACE_DAYS}` },
      ]);
    }
    await this.require(tenantId, connectionId);
    const now = this.clock.now();
    const dueAt = await this.tx.run(async (tx) => {
      await this.dataKeys.destroyDataKeys(tx, tenantId, [connectionId]);
      await this.connections.setStatus(tx, tenantId, connectionId, 'disabled', 'disconnected');
      const due = await this.connections.scheduleBuyerData(
        tx,
        tenantId,
        connectionId,
        new Date(now.getTime() + graceDays * DAY_MS),
      );
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'connection.disconnected',
        targets: { connectionId },
        reason:
          `credentials destroyed; buyer data due for destruction ${due.getTime() <= now.getTime() ? 'now' : `at ${due.toISOString()}`}` +
          (graceDays ? ` (grace ${graceDays} days chosen by the seller)` : ''),
        outcome: 'allowed',
      });
      return due;
    });
    // The answer shows the schedule as committed; the destruction itself starts after it is read.
    const view = await this.get(tenantId, connectionId);
    if (dueAt.getTime() <= now.getTime()) for (const listener of this.dueListeners) listener(tenantId);
    return view;
  }

  /**
   * The marketplace refused the seller's authorisation: stop until the seller reconnects. An explicit
   * revocation (`revoked`: the token endpoint's invalid_grant, not a 401/403 or a scope error, which a
   * reconnection or a fix may cure without the seller having withdrawn anything) also schedules the
   * destruction of the connection's buyer data after REVOKED_GRACE_DAYS, logged once when first scheduled.
   */
  async markAuthFailed(
    by: ActorContext,
    tenantId: string,
    connectionId: string,
    reasonCode: string,
    options: { revoked?: boolean } = {},
  ): Promise<void> {
    const reason = reasonCode.slice(0, 100);
    await this.tx.run(async (tx) => {
      const before = await this.connections.findOne(tenantId, connectionId, tx);
      if (!before) return;
      await this.connections.setStatus(tx, tenantId, connectionId, 'auth_failed', reason);
      if (!options.revoked || before.buyerDataDueAt) return;
      const due = await this.connections.scheduleBuyerData(
        tx,
        tenantId,
        connectionId,
        new Date(this.clock.nowMs() + REVOKED_GRACE_DAYS * DAY_MS),
      );
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'connection.updated',
        targets: { connectionId },
        reason: `the marketplace revoked the authorisation (${reason}); buyer data due for destruction at ${due.toISOString()} unless the seller re-authorises`,
        outcome: 'allowed',
      });
    });
  }

  /** Ended connections of the tenant whose buyer data is due by `asOf` (for the retention sweep). */
  async buyerDataDue(tenantId: string, asOf: Date): Promise<EndedConnection[]> {
    return (await this.connections.listBuyerDataDue(tenantId, asOf)).map((c) => ({
      connectionId: c.connectionId,
      marketplace: c.marketplace,
      dueAt: c.buyerDataDueAt!,
      reason: c.statusReason ?? c.status,
    }));
  }

  /** In a destruction batch's transaction: locks the connection while its buyer data is still due (false: cancelled). */
  lockBuyerDataDue(tx: Tx, tenantId: string, connectionId: string, asOf: Date): Promise<boolean> {
    return this.connections.lockBuyerDataDue(tx, tenantId, connectionId, asOf);
  }

  /** In the last batch's transaction: nothing of the connection's buyer data is left. */
  buyerDataDestroyed(tx: Tx, tenantId: string, connectionId: string, at: Date): Promise<void> {
    return this.connections.buyerDataDestroyed(tx, tenantId, connectionId, at);
  }

  /** Everything a connector needs for one sync, credentials opened in memory. */
  async connectorContext(
    tenantId: string,
    connectionId: string,
  ): Promise<{
    context: ConnectorContext;
    marketplace: MarketplaceName;
    status: ConnectionViewStatus;
    statusReason: string | null;
  }> {
    const c = await this.require(tenantId, connectionId);
    const { status, statusReason } = this.view(c);
    const credentials = await this.tx.run(async (tx) => {
      const keys = await this.dataKeys.openDataKeys(tx, tenantId, [connectionId]);
      const key = keys.get(connectionId);
      if (!key)
        throw new DomainError(ErrorCodes.PRECONDITION_FAILED, 'connection credentials were destroyed; reconnect');
      return key.openJson<ConnectionCredentials>(CREDENTIALS_PURPOSE, c.credentialsCiphertext);
    });
    return {
      marketplace: c.marketplace,
      status,
      statusReason,
      context: {
        tenantId,
        connectionId,
        region: c.region,
        accountId: c.accountId,
        marketplaceIds: c.marketplaceIds,
        credentials,
      },
    };
  }

  /** Every connection of one tenant or of all (for explaining a sync pass): views, never credentials. */
  async listForSync(tenantId?: string): Promise<ConnectionView[]> {
    return (await this.connections.listAll(tenantId)).map((c) => this.view(c));
  }

  /** Every connection of these tenants (for a health roll-up): views, never credentials. */
  async listOfTenants(tenantIds: readonly string[]): Promise<ConnectionView[]> {
    return (await this.connections.listOfTenants(tenantIds)).map((c) => this.view(c));
  }

  /** Active connections across tenants (for the scheduler): ids only; none of an unconfigured marketplace. */
  async listActive(): Promise<Array<{ tenantId: string; connectionId: string; marketplace: MarketplaceName }>> {
    return (await this.connections.listByStatus('active'))
      .filter((c) => missingAppCredentials(this.config, c.marketplace).length === 0)
      .map((c) => ({ tenantId: c.tenantId, connectionId: c.connectionId, marketplace: c.marketplace }));
  }

  private view(c: MarketplaceConnection): ConnectionView {
    const missing = missingAppCredentials(this.config, c.marketplace);
    return toConnectionView(c, missing.length ? needsConfigurationReason(missing) : null);
  }

  private async require(tenantId: string, connectionId: string): Promise<MarketplaceConnection> {
    const c = isUuid(connectionId) ? await this.connections.findOne(tenantId, connectionId) : null;
    if (!c) throw notFound('connection');
    return c;
  }
}

function validate(input: NewConnection): void {
  const problems: Array<{ field: string; issue: string }> = [];
  if (input.marketplace === 'amazon') {
    if (!AMAZON_REGIONS.includes(input.region)) problems.push({ field: 'region', issue: 'must be na, eu or fe' });
    if (!input.marketplaceIds.length || input.marketplaceIds.some((m) => !/^[A-Z0-9]{10,16}$/.test(m))) {
      problems.push({ field: 'marketplaceIds', issue: 'one or more Amazon marketplace ids (e.g. A1PA6795UKMFR9)' });
    }
  } else if (input.marketplace === 'ebay') {
    if (!/^EBAY_[A-Z_]{2,8}$/.test(input.region))
      problems.push({ field: 'region', issue: 'an eBay marketplace id such as EBAY_DE' });
  } else {
    problems.push({ field: 'marketplace', issue: 'must be amazon or ebay' });
  }
  if (!/^[\w.@-]{1,128}$/.test(input.accountId)) problems.push({ field: 'accountId', issue: 'the seller account id' });
  if (!input.credentials.refreshToken || input.credentials.refreshToken.length > 4096) {
    problems.push({ field: 'refreshToken', issue: 'required (at most 4096 characters)' });
  }
  if (problems.length) throw validationFailed('invalid connection', problems);
}
