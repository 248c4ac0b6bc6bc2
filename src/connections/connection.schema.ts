import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { ConnectionView } from './connection.mapper';

/** `ConnectionView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ConnectionViewSchema = viewSchema<ConnectionView>()(
  'Connection',
  z
    .object({
      connectionId: z.uuid(),
      tenantId: z.uuid(),
      marketplace: z.string(),
      region: z.string(),
      marketplaceIds: z.array(z.string()),
      accountId: z.string(),
      displayName: z.string(),
      status: z.enum(['active', 'auth_failed', 'disabled', 'needs_configuration']),
      statusReason: z.string().nullable(),
      buyerDataDueAt: instantOrNull().meta({ description: 'when the ended connection’s buyer data is destroyed' }),
      buyerDataDestroyedAt: instantOrNull(),
      createdAt: instant(),
      updatedAt: instant(),
    })
    .meta({ description: 'a seller’s marketplace account; never its credentials' }),
);
