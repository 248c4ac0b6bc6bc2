import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { ReplayView } from './delivery-replay.mapper';
import { REPLAY_STATUSES } from './delivery-replay.entity';

/** `ReplayView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ReplayViewSchema = viewSchema<ReplayView>()(
  'Replay',
  z
    .object({
      replayId: z.uuid(),
      endpointId: z.uuid(),
      since: instant(),
      status: z.enum(REPLAY_STATUSES).meta({ description: 'queued, running, then done' }),
      toReplay: z
        .number()
        .int()
        .nullable()
        .meta({ description: 'failed or given-up deliveries since `since` when the job started (null before)' }),
      replayed: z.number().int().meta({ description: 'deliveries made due again so far' }),
      queued: z.number().int().meta({ description: 'events the endpoint never got, queued for it at the end' }),
      requestedAt: instant(),
      startedAt: instantOrNull(),
      finishedAt: instantOrNull(),
      links: z.object({ self: z.string().meta({ description: 'poll here for progress' }) }),
    })
    .meta({ description: 'recovering an endpoint since an instant, in the background' }),
);

export const ReplayListSchema = viewSchema<{ items: ReplayView[] }>()(
  'ReplayList',
  z.object({ items: z.array(ReplayViewSchema) }),
);
