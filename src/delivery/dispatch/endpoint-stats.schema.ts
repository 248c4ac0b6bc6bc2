import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { EndpointStatsView } from './delivery.mapper';

const counts = z.object({ succeeded: z.number().int(), failed: z.number().int() });

/** `EndpointStatsView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const EndpointStatsViewSchema = viewSchema<EndpointStatsView>()(
  'EndpointStats',
  z
    .object({
      endpointId: z.uuid(),
      at: instant(),
      attempts: z.object({ lastHour: counts, last24Hours: counts, last7Days: counts }),
      lastSuccessAt: instantOrNull(),
      backlog: z.object({
        pending: z.number().int(),
        oldestPendingSince: instantOrNull(),
        oldestPendingAgeSeconds: z.number().int().nullable(),
      }),
    })
    .meta({ description: 'attempts answered 2xx or not per window, the last success, and what is waiting' }),
);
