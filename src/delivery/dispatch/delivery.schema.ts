import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { DeliveryPage } from './deliveries.service';
import type { AttemptView, DeliveryView } from './delivery.mapper';

const deliveryFields = {
  deliveryId: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.uuid().meta({ description: 'the `webhook-id` every attempt carries' }),
  eventType: z.string(),
  orderId: z.uuid().nullable(),
  orderVersion: z.number().int().nullable(),
  status: z.string().meta({ description: 'pending, succeeded, failed_retrying or given_up' }),
  attemptCount: z.number().int(),
  nextAttemptAt: instantOrNull().meta({ description: 'null once succeeded or given up' }),
  lastAttemptAt: instantOrNull(),
  lastStatusCode: z.number().int().nullable(),
  lastErrorClass: z.string().nullable(),
  completedAt: instantOrNull(),
  createdAt: instant(),
};

/** `DeliveryView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const DeliveryViewSchema = viewSchema<DeliveryView>()(
  'Delivery',
  z.object(deliveryFields).meta({ description: 'one event to one endpoint' }),
);

export const AttemptViewSchema = viewSchema<AttemptView>()(
  'DeliveryAttempt',
  z
    .object({
      attemptNumber: z.number().int(),
      attemptedAt: instant(),
      statusCode: z.number().int().nullable(),
      latencyMs: z.number().int(),
      result: z.string(),
      nextAttemptAt: instantOrNull(),
      responseKept: z.boolean().meta({ description: 'the answer is kept sealed, never shown' }),
      counted: z.boolean(),
    })
    .meta({ description: 'one try at sending a delivery' }),
);

export const DeliveryWithAttemptsSchema = viewSchema<DeliveryView & { attempts: AttemptView[] }>()(
  'DeliveryWithAttempts',
  z.object({ ...deliveryFields, attempts: z.array(AttemptViewSchema) }),
);

export const DeliveryPageSchema = viewSchema<DeliveryPage>()(
  'DeliveryPage',
  z.object({
    items: z.array(DeliveryViewSchema),
    nextCursor: z.string().optional().meta({ description: 'pass as `cursor` for the next (older) page' }),
  }),
);
