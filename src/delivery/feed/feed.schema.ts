import { z } from 'zod';
import { instant, viewSchema } from '../../platform/http/openapi/view-schema';
import type { FeedResponse } from './event-feed.service';

/** `FeedResponse` as the OpenAPI document describes it (the compiler holds the two equal). */
export const FeedResponseSchema = viewSchema<FeedResponse>()(
  'EventFeedPage',
  z
    .object({
      events: z.array(
        z
          .object({
            schemaVersion: z.literal(1),
            id: z.uuid(),
            type: z.string(),
            timestamp: instant(),
            data: z
              .object({
                orderId: z.uuid(),
                marketplace: z.string(),
                marketplaceOrderId: z.string(),
                status: z.string(),
                version: z.number().int(),
                link: z.string(),
              })
              .readonly(),
          })
          .readonly(),
      ),
      nextCursor: z.string().meta({ description: 'pass as `after` next time; present even when `events` is empty' }),
      hasMore: z.boolean().meta({ description: 'more events are readable now' }),
    })
    .readonly()
    .meta({ description: 'thin events (no buyer data) in commit order' }),
);
