import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { GrantView } from './grants.service';

/** `GrantView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const GrantViewSchema = viewSchema<GrantView>()(
  'Grant',
  z
    .object({
      grantId: z.uuid(),
      tenantId: z.uuid(),
      granteeStaffId: z.uuid().nullable().meta({ description: 'one staff member, or null for a role' }),
      granteeRole: z.string().nullable().meta({ description: 'support or admin, or null for one staff member' }),
      orderIds: z.array(z.uuid()).nullable().meta({ description: 'the orders covered; null for all' }),
      basis: z.string().meta({ description: 'how the grant came about (granted, or an approved access request)' }),
      revealAllowed: z.boolean().meta({ description: 'false: masked views only, no reveal' }),
      ticketRef: z.string().nullable(),
      createdBy: z.string(),
      createdAt: instant(),
      expiresAt: instant(),
      revokedAt: instantOrNull(),
      active: z.boolean(),
    })
    .meta({ description: 'a seller’s permission for our staff to see its buyers’ data' }),
);
