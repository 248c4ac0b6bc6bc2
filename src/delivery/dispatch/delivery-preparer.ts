import { Inject, Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../../audit';
import { jobActor } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DataKeyService, sealForRecipient, type DataKeyHandle } from '../../crypto';
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
 * Builds what a batch of one tenant's deliveries sends, in one transaction that
 * commits before anything is sent: orders read as they are now (locked FOR
 * SHARE while their buyer data is opened), endpoints' secrets and headers
 * opened, bodies signed, and one `pii.forwarded` entry per endpoint listing the
 * orders whose buyer data the batch carries. No entry, no send: if the entry
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

  prepare(tenantId: string, batch: readonly ClaimedDelivery[]): Promise<PreparedDelivery[]> {
    return this.tx.run(async (tx) => {
      const endpointIds = [...new Set(batch.map((d) => d.endpointId))];
      const endpoints = new Map(
        (await this.endpoints.findMany(tx, tenantId, endpointIds)).map((e) => [e.endpointId, e] as const),
      );
      const endpointKeys = await this.dataKeys.openDataKeys(tx, tenantId, endpointIds);
      const orders = await this.loadOrders(tx, tenantId, batch, endpoints);
      const now = this.clock.now();
      const timestamp = Math.floor(now.getTime() / 1000);
      const forwarded = new Map<string, string[]>();
      const out: PreparedDelivery[] = [];
      const signers = new Map<string, EndpointSigner>();
      for (const d of batch) {
        const endpoint = endpoints.get(d.endpointId);
        const key = endpointKeys.get(d.endpointId);
        if (!endpoint || !endpoint.enabled || endpoint.deletedAt || !key || !endpoint.secretsCiphertext) {
          out.push({ delivery: d, unsendable: 'endpoint_gone' });
          continue;
        }
        const built = this.body(d, endpoint, d.orderId ? orders.get(d.orderId) : undefined);
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
      // Appended last: the tenant's chain head stays locked only until this commits.
      for (const [endpointId, orderIds] of forwarded) {
        const endpoint = endpoints.get(endpointId)!;
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(DISPATCH_ACTOR),
          action: 'pii.forwarded',
          targets: { orderIds: [...new Set(orderIds)], endpointId },
          reason: `buyer data forwarded by webhook (${endpoint.payloadMode} payload)`,
          outcome: 'allowed',
        });
      }
      return out;
    });
  }

  private async loadOrders(
    tx: Tx,
    tenantId: string,
    batch: readonly ClaimedDelivery[],
    endpoints: ReadonlyMap<string, WebhookEndpoint>,
  ): Promise<Map<string, OrderForDispatch>> {
    const withPii = new Set<string>();
    const without = new Set<string>();
    for (const d of batch) {
      if (!d.orderId) continue;
      const mode = endpoints.get(d.endpointId)?.payloadMode;
      (mode && carriesBuyerData(mode) ? withPii : without).add(d.orderId);
    }
    for (const id of withPii) without.delete(id);
    const opened = await this.orders.forDispatch(tx, tenantId, [...withPii], true);
    const plain = await this.orders.forDispatch(tx, tenantId, [...without], false);
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
