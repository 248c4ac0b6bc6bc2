import type { WebhookEndpoint } from './endpoint.entity';

/**
 * Who is looking: the seller that owns the endpoint, or staff reading under a
 * grant. Neither ever sees a secret or a header value; staff do not see which
 * headers are set either.
 */
export type EndpointAudience = 'owner' | 'staff';

export interface EndpointView {
  endpointId: string;
  tenantId: string;
  url: string;
  description: string;
  /** Empty: every order event. */
  eventTypes: string[];
  payloadMode: string;
  enabled: boolean;
  disabledReason: string | null;
  /** When it was disabled (null while enabled). */
  disabledAt: string | null;
  rateLimitPerSecond: number | null;
  /** Names of the static headers sent with every request (owner only; values are never shown). */
  staticHeaderNames?: string[];
  /** Ed25519 public key (`whpk_` + base64) for `v1a` signatures; null when only `v1` signs. */
  signingPublicKey: string | null;
  /** X25519 public key `sealed` payloads are sealed to. */
  sealingPublicKey: string | null;
  /** Since when every attempt to this endpoint has failed (null: its last attempt succeeded). */
  failingSince: string | null;
  /** Until when a secret replaced by a rotation still signs (null: only the current secret). */
  previousSecretsExpireAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The answer to creation and rotation: the only time the signing secret is shown. */
export interface EndpointWithSecretView extends EndpointView {
  secret: string;
}

export function toEndpointView(e: WebhookEndpoint, audience: EndpointAudience): EndpointView {
  return {
    endpointId: e.endpointId,
    tenantId: e.tenantId,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    payloadMode: e.payloadMode,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    rateLimitPerSecond: e.rateLimitPerSecond,
    ...(audience === 'owner' ? { staticHeaderNames: e.headerNames } : {}),
    signingPublicKey: e.signingPublicKey ?? null,
    sealingPublicKey: e.sealingPublicKey ?? null,
    failingSince: e.failingSince?.toISOString() ?? null,
    previousSecretsExpireAt: e.previousSecretsExpireAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/**
 * What an endpoint missed, reported when it is enabled again: the deliveries that failed or were given up since
 * its failing stretch began (or, disabled by hand, since it was disabled), and the replay that sends them again.
 * Deliveries still pending when it was disabled were kept and go out now without a replay.
 */
export interface MissedWhileDisabled {
  disabledAt: string | null;
  disabledReason: string | null;
  since: string;
  failedOrGivenUp: number;
  /** Events since then it never got: fanned out while it was disabled, never queued for it (the replay queues them). */
  notQueued: number;
  replay: { method: 'POST'; path: string };
}

export type ReenabledEndpointView = EndpointView & { missedWhileDisabled?: MissedWhileDisabled };

export const withSecret = (view: EndpointView, secret: string): EndpointWithSecretView => ({ ...view, secret });
