import { Injectable } from '@nestjs/common';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { ActorContext } from '../../auth';
import { AuditLog, auditedBy } from '../../audit';
import { DataKeyService, type DataKeyHandle } from '../../crypto';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { conflict, notFound, validationFailed } from '../../platform/errors/domain-error';
import { isUuid } from '../../platform/validation/uuid';
import { TenantsService } from '../../tenants/tenants.service';
import { WebhookTargetGuard } from '../outbound/target-guard';
import type { WebhookEndpoint } from './endpoint.entity';
import {
  canonicalEventTypes,
  checkEndpointFields,
  MAX_ENDPOINTS_PER_TENANT,
  type EndpointFields,
} from './endpoint-input';
import {
  newSigningSecret,
  overlapEndsAt,
  overlapSeconds,
  rotateSecrets,
  type EndpointSecrets,
} from './endpoint-secrets';
import {
  toEndpointView,
  withSecret,
  type EndpointAudience,
  type EndpointView,
  type EndpointWithSecretView,
  type MissedWhileDisabled,
  type ReenabledEndpointView,
} from './endpoint.mapper';
import { FanOutService } from '../dispatch/fan-out.service';
import { EndpointsRepository } from './endpoints.repository';
import { normaliseStaticHeaders } from './static-headers';

/** Standard Webhooks' serialisation of an Ed25519 public key. */
export const SIGNING_PUBLIC_KEY_PREFIX = 'whpk_';

/** A fresh Ed25519 key pair: the public key as shown (`whpk_` + base64 of the raw 32 bytes), the secret as PKCS#8. */
function newEd25519Pair(): { publicKey: string; secretKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    publicKey: `${SIGNING_PUBLIC_KEY_PREFIX}${raw.toString('base64')}`,
    secretKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

/** A `sealed` endpoint needs the key its payloads are sealed to. */
function assertSealable(endpoint: WebhookEndpoint): void {
  if (endpoint.payloadMode === 'sealed' && !endpoint.sealingPublicKey) {
    throw validationFailed('invalid endpoint', [
      { field: 'sealingPublicKey', issue: 'required with payloadMode sealed (an X25519 public key, base64)' },
    ]);
  }
}

/** Purposes bound into an endpoint's sealed values and its data key (subject = endpoint id). */
export const ENDPOINT_SECRET_PURPOSE = 'endpoint.secret';
export const ENDPOINT_HEADERS_PURPOSE = 'endpoint.headers';

/**
 * Sellers' webhook endpoints. The signing secret is generated here and shown
 * once (at creation and at each rotation); it and the static headers are
 * sealed under the endpoint's data key. Every change is an access-log entry
 * committed with it.
 */
@Injectable()
export class EndpointsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly dataKeys: DataKeyService,
    private readonly tx: TransactionManager,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLog,
    private readonly guard: WebhookTargetGuard,
    private readonly clock: Clock,
    private readonly fanOut: FanOutService,
  ) {}

  async create(
    by: ActorContext,
    tenantId: string,
    input: EndpointFields & { url: string },
  ): Promise<EndpointWithSecretView> {
    checkEndpointFields(input);
    await this.tenants.requireTenant(tenantId);
    // Resolution happens before the transaction: no row lock waits on DNS.
    const url = await this.checkedUrl(input.url);
    const headers = input.staticHeaders ? normaliseStaticHeaders(input.staticHeaders) : null;
    const secret = newSigningSecret();
    const saved = await this.tx.run(async (tx) => {
      if ((await this.endpoints.countLive(tx, tenantId)) >= MAX_ENDPOINTS_PER_TENANT) {
        throw conflict(`a tenant has at most ${MAX_ENDPOINTS_PER_TENANT} endpoints`);
      }
      const endpoint = this.endpoints.create({
        tenantId,
        endpointId: randomUUID(),
        url,
        description: input.description?.trim() ?? '',
        eventTypes: canonicalEventTypes(input.eventTypes ?? []),
        payloadMode: input.payloadMode ?? 'thin',
        enabled: input.enabled ?? true,
        disabledReason: input.enabled === false ? 'manual' : null,
        disabledAt: input.enabled === false ? this.clock.now() : null,
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        sealingPublicKey: input.sealingPublicKey ?? null,
        previousSecretsExpireAt: null,
        deletedAt: null,
      });
      const keys = await this.dataKeys.createDataKeys(tx, tenantId, [
        { subjectId: endpoint.endpointId, purpose: ENDPOINT_SECRET_PURPOSE },
      ]);
      const key = keys.get(endpoint.endpointId)!;
      assertSealable(endpoint);
      const pair = input.signingKeyPair ? newEd25519Pair() : null;
      endpoint.signingPublicKey = pair?.publicKey ?? null;
      const held: EndpointSecrets = { current: secret, previous: [], ...(pair ? { ed25519: pair.secretKey } : {}) };
      endpoint.secretsCiphertext = key.sealJson(ENDPOINT_SECRET_PURPOSE, held);
      this.setHeaders(endpoint, key, headers);
      const stored = await this.endpoints.save(tx, endpoint);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'endpoint.created',
        targets: { endpointId: stored.endpointId },
        outcome: 'allowed',
      });
      return stored;
    });
    return withSecret(toEndpointView(saved, 'owner'), secret);
  }

  /** The tenant an endpoint belongs to, for operator commands that name only the endpoint. */
  async tenantOf(endpointId: string): Promise<string> {
    const tenantId = isUuid(endpointId) ? await this.endpoints.tenantOf(endpointId) : null;
    if (!tenantId) throw notFound('endpoint');
    return tenantId;
  }

  async list(tenantId: string, audience: EndpointAudience): Promise<EndpointView[]> {
    return (await this.endpoints.listLive(tenantId)).map((e) => toEndpointView(e, audience));
  }

  async get(tenantId: string, endpointId: string, audience: EndpointAudience): Promise<EndpointView> {
    return toEndpointView(await this.require(tenantId, endpointId), audience);
  }

  /** Changes an endpoint; enabling a disabled one also reports what it missed and the replay that recovers it. */
  async update(
    by: ActorContext,
    tenantId: string,
    endpointId: string,
    patch: EndpointFields,
  ): Promise<ReenabledEndpointView> {
    let missed: Omit<MissedWhileDisabled, 'notQueued'> | undefined;
    checkEndpointFields(patch);
    await this.require(tenantId, endpointId);
    const url = patch.url !== undefined ? await this.checkedUrl(patch.url) : undefined;
    const headers =
      patch.staticHeaders === undefined || patch.staticHeaders === null
        ? patch.staticHeaders
        : normaliseStaticHeaders(patch.staticHeaders);
    const saved = await this.tx.run(async (tx) => {
      const endpoint = await this.lockLive(tx, tenantId, endpointId);
      const changed: string[] = [];
      const set = <K extends keyof WebhookEndpoint>(field: K, value: WebhookEndpoint[K] | undefined) => {
        if (value === undefined || JSON.stringify(endpoint[field]) === JSON.stringify(value)) return;
        endpoint[field] = value;
        changed.push(field);
      };
      set('url', url);
      set('description', patch.description?.trim());
      set('eventTypes', patch.eventTypes && canonicalEventTypes(patch.eventTypes));
      set('payloadMode', patch.payloadMode);
      set('rateLimitPerSecond', patch.rateLimitPerSecond);
      set('sealingPublicKey', patch.sealingPublicKey);
      assertSealable(endpoint);
      if (patch.signingKeyPair !== undefined && patch.signingKeyPair !== Boolean(endpoint.signingPublicKey)) {
        const key = await this.dataKeys.openDataKey(tx, tenantId, endpointId);
        const { ed25519: _old, ...held } = key.openJson<EndpointSecrets>(
          ENDPOINT_SECRET_PURPOSE,
          endpoint.secretsCiphertext!,
        );
        const pair = patch.signingKeyPair ? newEd25519Pair() : null;
        endpoint.secretsCiphertext = key.sealJson(
          ENDPOINT_SECRET_PURPOSE,
          pair ? { ...held, ed25519: pair.secretKey } : held,
        );
        endpoint.signingPublicKey = pair?.publicKey ?? null;
        changed.push('signingKeyPair');
      }
      if (patch.enabled !== undefined && patch.enabled !== endpoint.enabled) {
        if (patch.enabled) missed = await this.missedWhileDisabled(tx, endpoint);
        endpoint.enabled = patch.enabled;
        endpoint.disabledReason = patch.enabled ? null : 'manual';
        endpoint.disabledAt = patch.enabled ? null : this.clock.now();
        // The failing stretch is kept while disabled (the re-enabling reports from its start), then starts afresh.
        if (patch.enabled) {
          endpoint.failingSince = null;
          endpoint.failureWarnings = 0;
        }
        changed.push('enabled');
      }
      if (headers !== undefined) {
        const key = await this.dataKeys.openDataKey(tx, tenantId, endpointId);
        this.setHeaders(endpoint, key, headers);
        changed.push('staticHeaders');
      }
      if (!changed.length) return endpoint;
      const stored = await this.endpoints.save(tx, endpoint);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'endpoint.updated',
        targets: { endpointId },
        reason: `changed: ${changed.join(', ')}`,
        outcome: 'allowed',
      });
      return stored;
    });
    const view = toEndpointView(saved, 'owner');
    if (!missed) return view;
    // Events fanned out while it was disabled were never queued for it: the replay queues them too.
    const notQueued = await this.fanOut.countMissed(tenantId, endpointId, new Date(missed.since));
    return { ...view, missedWhileDisabled: { ...missed, notQueued } };
  }

  private async missedWhileDisabled(tx: Tx, e: WebhookEndpoint): Promise<Omit<MissedWhileDisabled, 'notQueued'>> {
    // Disabled for failing: the failures began with the stretch, days before the disabling.
    const since = e.failingSince ?? e.disabledAt ?? e.updatedAt;
    const failedOrGivenUp = await this.endpoints.countFailedSince(tx, e.tenantId, e.endpointId, since);
    return {
      disabledAt: e.disabledAt?.toISOString() ?? null,
      disabledReason: e.disabledReason,
      since: since.toISOString(),
      failedOrGivenUp,
      replay: {
        method: 'POST',
        path: `/v1/endpoints/${e.endpointId}/replay?since=${encodeURIComponent(since.toISOString())}`,
      },
    };
  }

  /** A new signing secret, shown once; the previous one keeps signing for the overlap (both signatures sent). */
  async rotateSecret(
    by: ActorContext,
    tenantId: string,
    endpointId: string,
    requestedOverlapSeconds?: number,
  ): Promise<EndpointWithSecretView> {
    const overlap = overlapSeconds(requestedOverlapSeconds);
    await this.require(tenantId, endpointId);
    const { saved, fresh } = await this.tx.run(async (tx) => {
      const endpoint = await this.lockLive(tx, tenantId, endpointId);
      const key = await this.dataKeys.openDataKey(tx, tenantId, endpointId);
      const now = this.clock.now();
      const held = key.openJson<EndpointSecrets>(ENDPOINT_SECRET_PURPOSE, endpoint.secretsCiphertext!);
      const rotated = rotateSecrets(held, now, overlap);
      endpoint.secretsCiphertext = key.sealJson(ENDPOINT_SECRET_PURPOSE, rotated.secrets);
      endpoint.previousSecretsExpireAt = overlapEndsAt(rotated.secrets, now);
      const stored = await this.endpoints.save(tx, endpoint);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'endpoint.updated',
        targets: { endpointId },
        reason: `signing secret rotated; previous secret signs for ${overlap} s`,
        outcome: 'allowed',
      });
      return { saved: stored, fresh: rotated.fresh };
    });
    return withSecret(toEndpointView(saved, 'owner'), fresh);
  }

  /** Deletes: nothing more is sent, and the secrets and headers are shredded with the endpoint's data key. */
  async remove(by: ActorContext, tenantId: string, endpointId: string): Promise<{ endpointId: string; deleted: true }> {
    await this.require(tenantId, endpointId);
    await this.tx.run(async (tx) => {
      const endpoint = await this.lockLive(tx, tenantId, endpointId);
      await this.dataKeys.destroyDataKeys(tx, tenantId, [endpointId]);
      endpoint.deletedAt = this.clock.now();
      endpoint.enabled = false;
      endpoint.disabledReason = 'deleted';
      endpoint.disabledAt = endpoint.deletedAt;
      endpoint.secretsCiphertext = null;
      endpoint.headersCiphertext = null;
      endpoint.headerNames = [];
      endpoint.previousSecretsExpireAt = null;
      await this.endpoints.save(tx, endpoint);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'endpoint.deleted',
        targets: { endpointId },
        reason: 'signing secrets and static headers destroyed',
        outcome: 'allowed',
      });
    });
    return { endpointId, deleted: true };
  }

  private async checkedUrl(raw: string): Promise<string> {
    if (typeof raw !== 'string') throw validationFailed('invalid endpoint URL', [{ field: 'url', issue: 'required' }]);
    const url = this.guard.parse(raw.trim());
    await this.guard.check(url);
    return url.toString();
  }

  private setHeaders(endpoint: WebhookEndpoint, key: DataKeyHandle, headers: Record<string, string> | null): void {
    const names = headers ? Object.keys(headers).sort() : [];
    endpoint.headersCiphertext = names.length ? key.sealJson(ENDPOINT_HEADERS_PURPOSE, headers) : null;
    endpoint.headerNames = names;
  }

  private async require(tenantId: string, endpointId: string): Promise<WebhookEndpoint> {
    const endpoint = isUuid(endpointId) ? await this.endpoints.findLive(tenantId, endpointId) : null;
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  }

  private async lockLive(tx: Tx, tenantId: string, endpointId: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findLive(tenantId, endpointId, tx);
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  }
}
