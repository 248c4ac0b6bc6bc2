import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { DeadLetterView } from './dead-letter.mapper';
import type { DeadLetterPage } from './dead-letters.service';

/** `DeadLetterView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const DeadLetterViewSchema = viewSchema<DeadLetterView>()(
  'DeadLetter',
  z
    .object({
      deadLetterId: z.uuid(),
      connectionId: z.uuid(),
      marketplace: z.string(),
      marketplaceOrderId: z.string().meta({ description: '`?` and a digest when the payload had no usable id' }),
      reasonCode: z.string(),
      reasonDetail: z.string().meta({ description: 'a field path and what was wrong with it, never its value' }),
      attempts: z.number().int(),
      firstSeenAt: instant(),
      lastSeenAt: instant(),
      state: z.enum(['open', 'resolved']),
      resolution: z.enum(['ingested', 'gone', 'dismissed']).nullable(),
      resolvedAt: instantOrNull(),
      resolvedBy: z.string().nullable(),
      resolutionNote: z.string().nullable(),
      replay: z.object({
        state: z.enum(['scheduled', 'requested', 'gave_up', 'never', 'none']),
        nextAt: instantOrNull(),
        requestedAt: instantOrNull(),
        gaveUpAt: instantOrNull(),
      }),
      payload: z.enum(['sealed', 'none']).meta({ description: 'whether the sealed marketplace payload is held' }),
    })
    .meta({ description: 'an order that could not be read, masked: never its payload' }),
);

export const DeadLetterPageSchema = viewSchema<DeadLetterPage>()(
  'DeadLetterPage',
  z.object({
    items: z.array(DeadLetterViewSchema),
    nextCursor: z.string().optional().meta({ description: 'pass as `cursor` for the next page; absent on the last' }),
  }),
);
