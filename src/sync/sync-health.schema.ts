import { z } from 'zod';
import { ConnectionViewSchema } from '../connections/connection.schema';
import { instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { ConnectionHealthView, TenantSyncHealthView } from './sync-health';

/** `ConnectionHealthView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ConnectionHealthViewSchema = viewSchema<ConnectionHealthView>()(
  'ConnectionHealth',
  z
    .object({
      connection: ConnectionViewSchema,
      state: z.enum(['on_time', 'delayed', 'action_required', 'disconnected']),
      lagSeconds: z.number().int().nullable().meta({ description: 'seconds behind now; null before a first sync' }),
      lastSuccessAt: instantOrNull(),
      nextRunAt: instantOrNull().meta({ description: 'null when the connection does not sync' }),
      consecutiveFailures: z.number().int(),
      reason: z.string().nullable().meta({ description: 'why it is delayed or needs action; null when on time' }),
    })
    .meta({ description: 'a connection’s sync health: on time, delayed, action required or disconnected' }),
);

const count = () => z.number().int().min(0);

/** `TenantSyncHealthView` as the OpenAPI document describes it. */
export const TenantSyncHealthViewSchema = viewSchema<TenantSyncHealthView>()(
  'TenantSyncHealth',
  z
    .object({
      tenantId: z.uuid(),
      connections: count(),
      onTime: count(),
      delayed: count(),
      actionRequired: count(),
      disconnected: count(),
      worst: z
        .enum(['on_time', 'delayed', 'action_required', 'disconnected', 'none'])
        .meta({ description: 'the worst state of its connections that sync; none without any' }),
      maxLagSeconds: z.number().int().nullable(),
      lastSuccessAt: instantOrNull(),
    })
    .meta({ description: 'a tenant’s sync health in figures (no connection or record named)' }),
);
