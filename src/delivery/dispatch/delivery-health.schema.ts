import { z } from 'zod';
import { instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { TenantDeliveryHealthView } from './delivery-health';

const count = () => z.number().int().min(0);

/** `TenantDeliveryHealthView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const TenantDeliveryHealthViewSchema = viewSchema<TenantDeliveryHealthView>()(
  'TenantDeliveryHealth',
  z
    .object({
      tenantId: z.uuid(),
      state: z.enum(['healthy', 'failing', 'disabled', 'none']),
      endpoints: z.object({ active: count(), failing: count(), paused: count(), disabled: count() }),
      failingSince: instantOrNull(),
      backlog: count().meta({ description: 'open deliveries: pending or waiting for a retry' }),
      oldestOpenSeconds: z.number().int().nullable(),
      givenUpLast24h: count(),
      lastSuccessAt: instantOrNull(),
    })
    .meta({ description: 'a tenant’s delivery health in figures (no endpoint, event or order named)' }),
);
