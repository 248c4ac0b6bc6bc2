import { z } from 'zod';
import { viewSchema } from '../../platform/http/openapi/view-schema';
import type { EventCatalog } from './event-catalog';

const payload = z.object({
  schema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema 2020-12 of the payload' }),
  example: z.record(z.string(), z.unknown()),
});

/** `EventCatalog` as the OpenAPI document describes it (the compiler holds the two equal). */
export const EventCatalogSchema = viewSchema<EventCatalog>()(
  'EventCatalog',
  z
    .object({
      schemaVersion: z.number().int(),
      payloadModes: z.array(z.enum(['thin', 'full', 'sealed'])).readonly(),
      eventTypes: z.array(
        z
          .object({
            type: z.string(),
            category: z.enum(['order', 'operational', 'test']),
            description: z.string(),
            channels: z.array(z.enum(['webhook', 'feed'])),
            payloads: z.object({ thin: payload, full: payload, sealed: payload }),
          })
          .readonly(),
      ),
    })
    .readonly()
    .meta({ description: 'every event type, where it is delivered, a JSON Schema and an example per payload mode' }),
);
