import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy, type AuditEntryInput } from '../../audit';
import { jobActor } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DataKeyService, dataKeyRef, sealForRecipient, type DataKeyHandle } from '../../crypto';
import { OrdersService, type OrderForDispatch } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import type { WebhookEndpoint } from '../endpoints/endpoint.entity';
import { signingSecrets, type EndpointSecrets } from '../endpoints/endpoint-secrets';
import { ENDPOINT_HEADERS_PURPOSE, ENDPOINT_SECRET_PURPOSE } from '../endpoints/endpoints.service';
import { EndpointsRepository } from '../endpoints/endpoints.repository';
import { PING_EVENT_TYPE } from '../event-types';
import type { ClaimedDelivery } from './deliveries.repository';
import {
  carriesBuyerData,
  MAX_BODY_BYTES,
  orderPayload,
  plainPayload,
  thinPayload,
  type BuyerSection,
} from './payloads';
import type { AttemptResult } from './retry-schedule';
import { ed25519KeyFromPkcs8, signatureHeader } from './webhook-signature';

export const DISPATCH_ACTOR = jobActor('deliver');

/** A delivery ready to go: the exact bytes and headers, or why it cannot be sent. */
export type PreparedDelivery =
  | {
      readonly delivery: ClaimedDelivery;
      readonly url: string;
      readonly body: string;
      readonly headers: Record<string, string>;
      readonly carriesBuyerData: boolean;
    }
  | { readonly delivery: ClaimedDelivery; readonly unsendable: AttemptResult | 'endpoint_gone' };

interface EndpointSigner {
  readonly secrets: ReturnType<typeof signingSecrets>;
  readonly ed25519: ReturnType<typeof ed25519KeyFromPkcs8> | null;
  readonly headers: Record<string, string>;
}

/**
 * Builds what a claim's deliveries send, in one transaction that commits
 * before anything is sent: orders read as they are now (locked FOR
 * SHARE while their buyer data is opened), endpoints' secrets and headers
 * opened, bodies signed, and one `pii.forwarded` entry per (tenant, endpoint)
 * listing the orders whose buyer data the claim carries. No entry, no send: if the entry
 * cannot be written, the transaction fails and nothing leaves.
 */
@Injectable()
export class DeliveryPreparer {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly dataKeys: DataKeyService,
    private readonly orders: OrdersService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Prepares a claim (any number of tenants) in one transaction. Each tenant's `pii.forwarded` entries are
   * appended last and in tenant order, so two dispatchers preparing overlapping tenants take the chain heads in
   * the same order (no deadlock) and hold them only until this commits.
   */
  prepare(batch: readonly ClaimedDelivery[]): Promise<PreparedDelivery[]> {
    const byTenant = new Map<string, ClaimedDelivery[]>();
    for (const d of batch) byTenant.set(d.tenantId, [...(byTenant.get(d.tenantId) ?? []), d]);
    const tenants = [...byTenant.keys()].sort();
    return this.tx.run(async (tx) => {
      const now = this.clock.now();
      // Read for the whole claim at once (a claim spans tenants): a handful of statements, not a handful per tenant.
      const endpointRefs = uniqueRefs(batch.map((d) => ({ tenantId: d.tenantId, subjectId: d.endpointId })));
      const endpoints = new Map(
        (
          await this.endpoints.findManyOfTenants(
            tx,
            endpointRefs.map((r) => ({ tenantId: r.tenantId, endpointId: r.subjectId })),
          )
        ).map((e) => [dataKeyRef(e.tenantId, e.endpointId), e] as const),
      );
      const endpointKeys = await this.dataKeys.openDataKeysOfTenants(tx, endpointRefs);
      const orders = await this.loadOrders(tx, batch, endpoints);
      const out: PreparedDelivery[] = [];
      const entries: AuditEntryInput[] = [];
      for (const tenantId of tenants) {
        const built = this.prepareTenant(tenantId, byTenant.get(tenantId)!, { endpoints, endpointKeys, orders }, now);
        out.push(...built.prepared);
        entries.push(...built.entries);
      }
      // Appended last, in tenant order: two dispatchers preparing overlapping tenants take the chain heads in the
      // same order, and hold them only until this commits.
      await this.audit.appendMany(tx, entries);
      return out;
    });
  }

  private prepareTenant(
    tenantId: string,
    batch: readonly ClaimedDelivery[],
    read: {
      endpoints: ReadonlyMap<string, WebhookEndpoint>;
      endpointKeys: ReadonlyMap<string, DataKeyHandle>;
      orders: ReadonlyMap<string, OrderForDispatch>;
    },
    now: Date,
  ): { prepared: PreparedDelivery[]; entries: AuditEntryInput[] } {
    const timestamp = Math.floor(now.getTime() / 1000);
    const forwarded = new Map<string, string[]>();
    const out: PreparedDelivery[] = [];
    const signers = new Map<string, EndpointSigner>();
    for (const d of batch) {
      const endpoint = read.endpoints.get(dataKeyRef(tenantId, d.endpointId));
      const key = read.endpointKeys.get(dataKeyRef(tenantId, d.endpointId));
      if (!endpoint || !endpoint.enabled || endpoint.deletedAt || !key || !endpoint.secretsCiphertext) {
        out.push({ delivery: d, unsendable: 'endpoint_gone' });
        continue;
      }
      const order = d.orderId ? read.orders.get(dataKeyRef(tenantId, d.orderId)) : undefined;
      const built = this.body(d, endpoint, order);
      if ('unsendable' in built) {
        out.push({ delivery: d, unsendable: built.unsendable });
        continue;
      }
      if (Buffer.byteLength(built.body) > MAX_BODY_BYTES) {
        out.push({ delivery: d, unsendable: 'payload_too_large' });
        continue;
      }
      let signer = signers.get(d.endpointId);
      if (!signer) {
        // Opened once per endpoint and batch, not per delivery.
        const secrets = key.openJson<EndpointSecrets>(ENDPOINT_SECRET_PURPOSE, endpoint.secretsCiphertext);
        signer = {
          secrets: signingSecrets(secrets, now),
          ed25519: secrets.ed25519 ? ed25519KeyFromPkcs8(secrets.ed25519) : null,
          headers: this.staticHeaders(endpoint, key),
        };
        signers.set(d.endpointId, signer);
      }
      const signature = signatureHeader(d.eventId, timestamp, built.body, signer.secrets, signer.ed25519);
      out.push({
        delivery: d,
        url: endpoint.url,
        body: built.body,
        carriesBuyerData: built.withPii,
        headers: {
          ...signer.headers,
          'webhook-id': d.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signature,
        },
      });
      if (built.withPii && d.orderId) {
        forwarded.set(d.endpointId, [...(forwarded.get(d.endpointId) ?? []), d.orderId]);
      }
    }
    const entries = [...forwarded].map(([endpointId, orderIds]): AuditEntryInput => ({
      tenantId,
      ...auditedBy(DISPATCH_ACTOR),
      action: 'pii.forwarded',
      targets: { orderIds: [...new Set(orderIds)], endpointId },
      reason: `buyer data forwarded by webhook (${read.endpoints.get(dataKeyRef(tenantId, endpointId))!.payloadMode} payload)`,
      outcome: 'allowed',
    }));
    return { prepared: out, entries };
  }

  /** The claim's orders as they are now: locked FOR SHARE and opened where an endpoint gets buyer data. */
  private async loadOrders(
    tx: Tx,
    batch: readonly ClaimedDelivery[],
    endpoints: ReadonlyMap<string, WebhookEndpoint>,
  ): Promise<Map<string, OrderForDispatch>> {
    const withPii = new Map<string, { tenantId: string; orderId: string }>();
    const without = new Map<string, { tenantId: string; orderId: string }>();
    for (const d of batch) {
      if (!d.orderId) continue;
      const mode = endpoints.get(dataKeyRef(d.tenantId, d.endpointId))?.payloadMode;
      const ref = dataKeyRef(d.tenantId, d.orderId);
      (mode && carriesBuyerData(mode) ? withPii : without).set(ref, { tenantId: d.tenantId, orderId: d.orderId });
    }
    for (const ref of withPii.keys()) without.delete(ref);
    const opened = await this.orders.forDispatchOfTenants(tx, [...withPii.values()], true);
    const plain = await this.orders.forDispatchOfTenants(tx, [...without.values()], false);
    return new Map([...plain, ...opened]);
  }

  private body(
    d: ClaimedDelivery,
    endpoint: WebhookEndpoint,
    found: OrderForDispatch | undefined,
  ): { body: string; withPii: boolean } | { unsendable: AttemptResult | 'endpoint_gone' } {
    const event = { id: d.eventId, type: d.eventType, occurredAt: d.occurredAt };
    if (!d.orderId) {
      const data =
        d.eventType === PING_EVENT_TYPE ? { endpointId: endpoint.endpointId, message: 'ping' } : { ...d.facts };
      return { body: JSON.stringify(plainPayload(event, data)), withPii: false };
    }
    if (!found) return { unsendable: 'order_missing' };
    const link = new URL(`/v1/orders/${found.order.orderId}`, this.config.publicBaseUrl).toString();
    if (endpoint.payloadMode === 'thin') {
      return { body: JSON.stringify(thinPayload(event, found.order, link)), withPii: false };
    }
    const held = found.order.buyer.pii;
    let buyer: BuyerSection;
    if (!found.pii) buyer = { pii: held === 'destroyed' ? 'destroyed' : 'none' };
    else if (endpoint.payloadMode === 'full') buyer = { pii: 'included', data: found.pii };
    else if (endpoint.sealingPublicKey) {
      const sealed = sealForRecipient(
        Buffer.from(JSON.stringify(found.pii), 'utf8'),
        Buffer.from(endpoint.sealingPublicKey, 'base64'),
      );
      buyer = { pii: 'sealed', sealed: sealed.toString('base64') };
    } else return { unsendable: 'no_sealing_key' };
    return {
      body: JSON.stringify(orderPayload(event, found.order, buyer, link)),
      withPii: buyer.pii !== 'none' && buyer.pii !== 'destroyed',
    };
  }

  private staticHeaders(endpoint: WebhookEndpoint, key: DataKeyHandle): Record<string, string> {
    return endpoint.headersCiphertext
      ? key.openJson<Record<string, string>>(ENDPOINT_HEADERS_PURPOSE, endpoint.headersCiphertext)
      : {};
  }
}

function uniqueRefs(
  refs: ReadonlyArray<{ tenantId: string; subjectId: string }>,
): Array<{ tenantId: string; subjectId: string }> {
  return [...new Map(refs.map((r) => [dataKeyRef(r.tenantId, r.subjectId), r] as const)).values()];
}
