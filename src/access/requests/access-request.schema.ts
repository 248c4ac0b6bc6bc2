import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { AccessRequestView } from './access-request.mapper';

const access = z.enum(['masked', 'reveal']).meta({ description: 'masked orders only, or also revealing buyer data' });

/** `AccessRequestView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const AccessRequestViewSchema = viewSchema<AccessRequestView>()(
  'AccessRequest',
  z
    .object({
      requestId: z.uuid(),
      tenantId: z.uuid(),
      requestedBy: z.uuid().meta({ description: 'the staff member asking' }),
      access,
      orderIds: z.array(z.uuid()).nullable().meta({ description: 'null: every order of the tenant' }),
      durationHours: z.number().int().min(1).max(72),
      reason: z.string(),
      ticketRef: z.string(),
      status: z.enum(['pending', 'approved', 'denied', 'cancelled', 'expired']),
      createdAt: instant(),
      expiresAt: instant().meta({ description: 'unanswered by then, the request lapses' }),
      decidedAt: instantOrNull(),
      decidedBy: z.string().nullable(),
      decisionReason: z.string().nullable(),
      grantId: z.uuid().nullable().meta({ description: 'the grant an approval created' }),
      approved: z
        .object({
          access,
          orderIds: z.array(z.uuid()).nullable(),
          durationHours: z.number().int(),
        })
        .nullable()
        .meta({ description: 'what the approval granted: the request or narrower' }),
    })
    .meta({ description: 'a staff member’s request for access to a tenant’s buyer data' }),
);
