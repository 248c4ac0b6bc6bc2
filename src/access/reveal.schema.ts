import { z } from 'zod';
import { RevealedOrderViewSchema } from '../orders';
import { instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { BatchRevealResponse } from './reveal.service';

/** `BatchRevealResponse`: one result per order named, never an error for the whole batch. */
export const BatchRevealResponseSchema = viewSchema<BatchRevealResponse>()(
  'BatchReveal',
  z
    .object({
      results: z.array(
        z.discriminatedUnion('outcome', [
          z.object({ orderId: z.uuid(), outcome: z.literal('revealed'), order: RevealedOrderViewSchema }).readonly(),
          z.object({ orderId: z.uuid(), outcome: z.literal('destroyed'), piiDestroyedAt: instantOrNull() }).readonly(),
          z.object({ orderId: z.uuid(), outcome: z.literal('no_buyer_data') }).readonly(),
          z.object({ orderId: z.uuid(), outcome: z.literal('not_found') }).readonly(),
        ]),
      ),
    })
    .readonly()
    .meta({ description: 'one result per distinct order id, in the order named' }),
);
