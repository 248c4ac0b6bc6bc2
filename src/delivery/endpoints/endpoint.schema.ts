import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { EndpointView, EndpointWithSecretView, ReenabledEndpointView } from './endpoint.mapper';

const endpointFields = {
  endpointId: z.uuid(),
  tenantId: z.uuid(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()).meta({ description: 'empty: every order event' }),
  payloadMode: z.string().meta({ description: 'thin, full or sealed' }),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: instantOrNull(),
  rateLimitPerSecond: z.number().int().nullable(),
  staticHeaderNames: z
    .array(z.string())
    .optional()
    .meta({ description: 'names of the static headers (the seller only; values are never shown)' }),
  signingPublicKey: z.string().nullable().meta({ description: 'Ed25519 key for `v1a` signatures (`whpk_…`)' }),
  sealingPublicKey: z.string().nullable().meta({ description: 'X25519 key `sealed` payloads are sealed to' }),
  failingSince: instantOrNull(),
  previousSecretsExpireAt: instantOrNull(),
  createdAt: instant(),
  updatedAt: instant(),
};

/** `EndpointView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const EndpointViewSchema = viewSchema<EndpointView>()(
  'Endpoint',
  z.object(endpointFields).meta({ description: 'a webhook endpoint: never its secret or header values' }),
);

export const EndpointWithSecretViewSchema = viewSchema<EndpointWithSecretView>()(
  'EndpointWithSecret',
  z
    .object({ ...endpointFields, secret: z.string().meta({ description: '`whsec_…`, shown this once' }) })
    .meta({ description: 'an endpoint just created or rotated, with its signing secret' }),
);

export const ReenabledEndpointViewSchema = viewSchema<ReenabledEndpointView>()(
  'EndpointChanged',
  z.object({
    ...endpointFields,
    missedWhileDisabled: z
      .object({
        disabledAt: instantOrNull(),
        disabledReason: z.string().nullable(),
        since: instant(),
        failedOrGivenUp: z.number().int(),
        notQueued: z.number().int(),
        replay: z.object({ method: z.literal('POST'), path: z.string() }),
      })
      .optional()
      .meta({ description: 'only when the change enabled a disabled endpoint: what it missed and how to recover it' }),
  }),
);

export const EndpointDeletedSchema = viewSchema<{ endpointId: string; deleted: true }>()(
  'EndpointDeleted',
  z.object({ endpointId: z.uuid(), deleted: z.literal(true) }),
);
