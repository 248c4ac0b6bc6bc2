import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActorContext } from '../auth';
import { AuditLog, auditedBy } from '../audit';
import { APP_CONFIG, type AppConfig } from '../config';
import { DataKeyService } from '../crypto';
import type { MarketplaceName } from '../marketplaces/canonical-order';
import type { ConnectionCredentials, ConnectorContext } from '../marketplaces/marketplace-connector';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { TransactionManager } from '../platform/database/transaction-manager';
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
  ) {}

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
        reason: existing ? 're-authorised; previous credentials destroyed' : null,
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

  /** Disconnects: stops syncing and shreds the stored credentials. Orders stay. */
  async disconnect(by: ActorContext, tenantId: string, connectionId: string): Promise<ConnectionView> {
    await this.require(tenantId, connectionId);
    await this.tx.run(async (tx) => {
      await this.dataKeys.destroyDataKeys(tx, tenantId, [connectionId]);
      await this.connections.setStatus(tx, tenantId, connectionId, 'disabled', 'disconnected');
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'connection.disconnected',
        targets: { connectionId },
        outcome: 'allowed',
      });
    });
    return this.get(tenantId, connectionId);
  }

  /** The marketplace refused the seller's authorisation: stop until the seller reconnects. */
  async markAuthFailed(tenantId: string, connectionId: string, reasonCode: string): Promise<void> {
    await this.connections.setStatus(undefined, tenantId, connectionId, 'auth_failed', reasonCode.slice(0, 100));
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
