import { z } from 'zod';
import { viewSchema } from '../platform/http/openapi/view-schema';
import type { Readiness } from './health.service';

/** `Readiness` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ReadinessSchema = viewSchema<Readiness>()(
  'Readiness',
  z.object({
    status: z.enum(['ok', 'unavailable']),
    mode: z.enum(['service', 'sandbox']).meta({ description: 'sandbox: simulated marketplaces, demo seller' }),
    checks: z.object({
      database: z.enum(['ok', 'unreachable']),
      migrations: z.enum(['ok', 'pending', 'unknown']),
      pending: z.array(z.string()).optional(),
    }),
  }),
);

export const LivenessSchema = viewSchema<{ status: 'ok' }>()('Liveness', z.object({ status: z.literal('ok') }));
