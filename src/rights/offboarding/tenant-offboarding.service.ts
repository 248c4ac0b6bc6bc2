import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy, certificateHash, DeletionCertificateSigner, type DeletionCertificate } from '../../audit';
import type { ActorContext } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { ConnectionsService } from '../../connections/connections.service';
import { TenantKeyService } from '../../crypto';
import { EndpointsService } from '../../delivery/endpoints/endpoints.service';
import { OrderRecordExpiry, OrdersService, PiiDestructionService } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { DomainError, ErrorCodes, conflict } from '../../platform/errors/domain-error';
import { LegalHoldsService, RETENTION_MARKETPLACES } from '../../retention';
import { TenantsService } from '../../tenants';
import { checkOffboardingRequest, type OffboardingRequest } from './offboarding-request';
import type { OffboardingStep, TenantOffboarding } from './tenant-offboarding.entity';
import { TenantOffboardingsRepository } from './tenant-offboardings.repository';
import { TenantResidueRepository } from './tenant-residue.repository';

/** Purchased at or before this: every order (record expiry's claim, asked for all of a tenant's orders). */
const END_OF_TIME = new Date(8.64e15);
/** Orders exported per transaction (each page opened and logged as one `pii.exported` entry). */
const EXPORT_PAGE = 100;

export interface OffboardingOptions {
  /** Writes the export bundle (one NDJSON line per order, buyer data included) before anything is deleted. */
  readonly exportTo?: (line: string) => Promise<void>;
  /** Called after each step commits (progress output; tests stop a run there to resume it). */
  readonly afterStep?: (step: OffboardingStep) => Promise<void> | void;
}

export interface OffboardingResult {
  readonly tenantId: string;
  readonly status: 'offboarded';
  /** True when this call found the offboarding already finished and only returned its certificate. */
  readonly alreadyOffboarded: boolean;
  readonly certificate: DeletionCertificate;
}

/**
 * A seller's offboarding. Steps, each committed before the next, recorded on `tenant_offboardings` (and the
 * tenant's status: `offboarding`, then `offboarded`) so a run that stops anywhere is finished by running it
 * again:
 *   started        request recorded, legal holds checked (refused unless forced), tenant `offboarding`,
 *                  API keys revoked, console sessions ended, seller accounts disabled, grants revoked
 *   exported       (only when asked) every order with its buyer data written out, logged as `pii.exported`
 *   revoked        connections disconnected (credentials shredded), endpoints deleted (secrets shredded)
 *   keys_destroyed tenant key versions and blind-index root destroyed: all sealed data unreadable at once
 *   rows_deleted   orders through orders/' destruction step and record deletion (outbox events, feed
 *                  positions, deliveries, dead letters with them), in batches; then the tenant's other rows
 *   completed      deletion certificate signed, `tenant.offboarded` appended with its hash, tenant `offboarded`
 * The access log stays: it holds no buyer data and auditors need it.
 */
@Injectable()
export class TenantOffboardingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly clock: Clock,
    private readonly tenants: TenantsService,
    private readonly offboardings: TenantOffboardingsRepository,
    private readonly residue: TenantResidueRepository,
    private readonly holds: LegalHoldsService,
    private readonly connections: ConnectionsService,
    private readonly endpoints: EndpointsService,
    private readonly tenantKeys: TenantKeyService,
    private readonly orders: OrdersService,
    private readonly destruction: PiiDestructionService,
    private readonly records: OrderRecordExpiry,
    private readonly audit: AuditLog,
    private readonly certificates: DeletionCertificateSigner,
  ) {}

  /** The offboarding record, if one was started (its certificate once completed). */
  find(tenantId: string): Promise<TenantOffboarding | null> {
    return this.offboardings.find(tenantId);
  }

  async offboard(
    by: ActorContext,
    tenantId: string,
    input: OffboardingRequest,
    options: OffboardingOptions = {},
  ): Promise<OffboardingResult> {
    const request = checkOffboardingRequest(input);
    const tenant = await this.tenants.get(tenantId);
    const id = tenant.tenantId;
    const existing = await this.offboardings.find(id);
    if (existing?.step === 'completed' && existing.certificate) {
      if (options.exportTo) throw conflict('tenant is offboarded: its orders can no longer be exported');
      return { tenantId: id, status: 'offboarded', alreadyOffboarded: true, certificate: existing.certificate };
    }
    if (existing && options.exportTo && existing.step !== 'started') {
      throw conflict(`offboarding is past its export (at step ${existing.step}): run it again without an export`);
    }
    let row = existing ?? (await this.start(by, id, request));
    // Each step's record moves under the row's lock, from the step it started at: a second run racing this
    // one (two admins, a retry while the first still runs) finds it moved and adds nothing twice.
    const step = async (next: OffboardingStep, work: (tx: Tx, row: TenantOffboarding) => Promise<void>) => {
      const from = row.step;
      row = await this.transactions.run(async (tx) => {
        const locked = (await this.offboardings.lock(tx, id))!;
        if (locked.step !== from) return locked;
        await work(tx, locked);
        locked.step = next;
        return this.offboardings.save(tx, locked);
      });
      await options.afterStep?.(next);
    };
    if (row.step === 'started') {
      await this.releaseOverriddenHolds(by, row);
      await options.afterStep?.('started');
      if (options.exportTo) {
        const exported = await this.exportOrders(by, id, options.exportTo);
        await step('exported', async (_tx, r) => {
          r.exportedOrders = exported;
        });
      }
    }
    if (row.step === 'started' || row.step === 'exported') {
      const revoked = await this.revokeIntegrations(by, id);
      await step('revoked', async (_tx, r) => {
        r.revokedRows = add(r.revokedRows, revoked);
      });
    }
    if (row.step === 'revoked') {
      await step('keys_destroyed', async (tx, r) => {
        r.destroyedKeys = [...r.destroyedKeys, ...(await this.tenantKeys.destroyTenant(tx, id))];
      });
    }
    if (row.step === 'keys_destroyed') {
      await this.deleteOrders(by, id);
      await step('rows_deleted', async (tx, r) => {
        r.deletedRows = add(r.deletedRows, await this.residue.deleteRest(tx, id));
      });
    }
    const certificate = await this.complete(by, id);
    await options.afterStep?.('completed');
    return { tenantId: id, status: 'offboarded', alreadyOffboarded: false, certificate };
  }

  /**
   * Records the request and makes the tenant inert at once: nothing can act for the seller from here on.
   * Active legal holds refuse it (409 naming them) unless an admin forces it: they are recorded as overridden
   * here and released next (logged).
   */
  private async start(by: ActorContext, tenantId: string, request: ReturnType<typeof checkOffboardingRequest>) {
    const now = this.clock.now();
    const active = (await this.holds.list(tenantId)).filter((h) => h.status === 'active');
    if (active.length && !request.force) {
      throw new DomainError(
        ErrorCodes.CONFLICT,
        `tenant has active legal holds: ${active.map((h) => h.holdId).join(', ')}; ` +
          'release them, or force the offboarding (an admin decision, recorded on the certificate)',
        active.map((h) => ({ field: 'legalHolds', issue: `active hold ${h.holdId}` })),
      );
    }
    return this.transactions.run(async (tx) => {
      const tenant = await this.tenants.lockForStatus(tx, tenantId);
      const raced = await this.offboardings.find(tenantId, tx);
      if (raced) return raced;
      if (tenant.status !== 'active' && tenant.status !== 'suspended') {
        throw conflict(`tenant is ${tenant.status}`);
      }
      await this.tenants.setStatus(tx, tenantId, 'offboarding');
      const revokedRows = await this.residue.revokeAccess(tx, tenantId, now, by.actor.id);
      const row = await this.offboardings.insert(tx, {
        tenantId,
        requestedBy: request.requestedBy,
        reason: request.reason,
        ticketRef: request.ticketRef,
        startedBy: by.actor.id,
        step: 'started',
        overriddenHolds: active.map((h) => h.holdId),
        deletedRows: {},
        revokedRows,
        destroyedKeys: [],
        exportedOrders: null,
        startedAt: now,
        completedAt: null,
        certificate: null,
      });
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'tenant.offboarding.started',
        targets: { tenantId },
        reason: (
          `requested by ${request.requestedBy}: ${request.reason}` +
          (active.length ? `; legal holds overridden: ${active.map((h) => h.holdId).join(', ')}` : '')
        ).slice(0, 500),
        ticketRef: request.ticketRef,
        outcome: 'allowed',
      });
      return row;
    });
  }

  /**
   * The holds an admin overrode, recorded when the offboarding started, are released now (each logged as
   * `legal_hold.released`); a run that stopped before releasing them all releases the rest.
   */
  private async releaseOverriddenHolds(by: ActorContext, row: TenantOffboarding): Promise<void> {
    if (!row.overriddenHolds.length) return;
    const active = new Set(
      (await this.holds.list(row.tenantId)).filter((h) => h.status === 'active').map((h) => h.holdId),
    );
    for (const holdId of row.overriddenHolds) {
      if (active.has(holdId)) await this.holds.release(by, row.tenantId, holdId);
    }
  }

  /**
   * Every order, a page per transaction in id order (stable while syncs still update orders): opened,
   * written, logged as `pii.exported` with the page's ids (never the data).
   */
  private async exportOrders(by: ActorContext, tenantId: string, write: (line: string) => Promise<void>) {
    let exported = 0;
    let after: string | null = null;
    for (;;) {
      const ids = await this.residue.orderIdsAfter(tenantId, after, EXPORT_PAGE);
      if (!ids.length) return exported;
      const lines = await this.transactions.run(async (tx) => {
        const items = await this.orders.subjectExportInTx(tx, tenantId, ids);
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'pii.exported',
          targets: { orderIds: items.map((i) => i.order.orderId) },
          reason: `seller offboarding export bundle: ${items.length} orders`,
          outcome: 'allowed',
        });
        return items.map((i) => JSON.stringify(i));
      });
      for (const line of lines) await write(`${line}\n`);
      exported += lines.length;
      after = ids[ids.length - 1];
    }
  }

  /** Connections disconnected (credentials shredded, syncing stopped) and endpoints deleted (secrets shredded). */
  private async revokeIntegrations(by: ActorContext, tenantId: string): Promise<Record<string, number>> {
    let connections = 0;
    for (const c of await this.connections.list(tenantId)) {
      if (c.status === 'disabled' && c.statusReason === 'disconnected') continue;
      await this.connections.disconnect(by, tenantId, c.connectionId);
      connections++;
    }
    let endpoints = 0;
    for (const e of await this.endpoints.list(tenantId, 'owner')) {
      await this.endpoints.remove(by, tenantId, e.endpointId);
      endpoints++;
    }
    return { marketplace_connections: connections, webhook_endpoints: endpoints };
  }

  /**
   * The tenant's orders, a batch per transaction: buyer data through the one destruction step (its copies
   * with it), then the records through the step retention uses for expired ones (outbox events, feed
   * positions, deliveries and their attempts, dead letters). Counts add up on the record in the same
   * transaction, so a resumed run continues the totals.
   */
  private async deleteOrders(by: ActorContext, tenantId: string): Promise<void> {
    const limit = this.config.retention.batchSize;
    for (;;) {
      const more = await this.transactions.run(async (tx) => {
        const row = (await this.offboardings.lock(tx, tenantId))!;
        const counts: Record<string, number> = {};
        const now = this.clock.now();
        for (const connectionId of await this.residue.connectionIds(tx, tenantId)) {
          const claimed = await this.destruction.claimMatching(
            tx,
            tenantId,
            { kind: 'connection', connectionId },
            limit,
          );
          const destroyed = await this.destruction.destroy(tx, tenantId, claimed, now, 'erasure');
          counts.data_keys = (counts.data_keys ?? 0) + destroyed.keysShredded;
          for (const [holder, n] of Object.entries(destroyed.copies)) counts[holder] = (counts[holder] ?? 0) + n;
        }
        const deleted: string[] = [];
        for (const marketplace of RETENTION_MARKETPLACES) {
          const claimed = await this.records.claimExpired(
            tx,
            tenantId,
            { marketplace, purchasedBefore: END_OF_TIME },
            { limit },
          );
          const result = await this.records.delete(tx, tenantId, claimed);
          deleted.push(...result.deleted.map((d) => d.orderId));
          counts.outbox_events = (counts.outbox_events ?? 0) + result.outboxEvents;
          for (const [holder, n] of Object.entries(result.related)) counts[holder] = (counts[holder] ?? 0) + n;
        }
        if (!deleted.length) return (await this.residue.ordersLeft(tx, tenantId)) > 0 ? 'locked' : 'done';
        counts.orders = deleted.length;
        row.deletedRows = add(row.deletedRows, counts);
        await this.offboardings.save(tx, row);
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'order_record.deleted',
          targets: { orderIds: deleted },
          reason: 'seller offboarding: buyer data destroyed and order records deleted',
          outcome: 'allowed',
        });
        return 'more';
      });
      if (more === 'done') return;
      // Rows another transaction held (a sync page, a sweep) are skipped, never waited for: try again.
      if (more === 'locked') await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Signs the certificate and appends its hash as the tenant chain's next entry, with the final status. */
  private complete(by: ActorContext, tenantId: string): Promise<DeletionCertificate> {
    return this.transactions.run(async (tx) => {
      await this.tenants.lockForStatus(tx, tenantId);
      const row = (await this.offboardings.lock(tx, tenantId))!;
      if (row.step === 'completed' && row.certificate) return row.certificate;
      const completedAt = this.clock.now();
      const certificate = await this.certificates.sign(tx, {
        tenantId,
        requestedBy: row.requestedBy,
        reason: row.reason,
        ticketRef: row.ticketRef,
        startedAt: row.startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        deletedRows: sorted(row.deletedRows),
        revokedRows: sorted(row.revokedRows),
        destroyedKeys: row.destroyedKeys,
        exportedOrders: row.exportedOrders,
        overriddenLegalHolds: row.overriddenHolds,
        auditHead: await this.certificates.auditHead(tx, tenantId),
      });
      row.certificate = certificate;
      row.completedAt = completedAt;
      row.step = 'completed';
      await this.offboardings.save(tx, row);
      await this.tenants.setStatus(tx, tenantId, 'offboarded');
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'tenant.offboarded',
        targets: { tenantId },
        reason: `deletion certificate sha256:${certificateHash(certificate.certificate)}`,
        ticketRef: row.ticketRef,
        outcome: 'allowed',
      });
      return certificate;
    });
  }
}

function add(into: Record<string, number>, more: Record<string, number>): Record<string, number> {
  const out = { ...into };
  for (const [k, n] of Object.entries(more)) out[k] = (out[k] ?? 0) + n;
  return out;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
