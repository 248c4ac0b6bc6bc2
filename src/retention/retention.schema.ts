import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { LegalHoldView } from './legal-hold.mapper';
import { RETENTION_MARKETPLACES } from './retention-caps';
import type { RetentionStatus } from './retention-overview.service';
import type { RetentionPolicyView } from './retention-policy.mapper';

const marketplace = () => z.enum(RETENTION_MARKETPLACES);

/** `RetentionPolicyView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const RetentionPolicyViewSchema = viewSchema<RetentionPolicyView>()(
  'RetentionPolicy',
  z
    .object({
      tenantId: z.uuid(),
      marketplaces: z.array(
        z.object({
          marketplace: marketplace(),
          piiWindowDays: z.number().int().meta({ description: 'days after the retention anchor' }),
          piiWindowCapDays: z.number().int(),
          piiWindowCapBasis: z.string(),
          isDefault: z.boolean().meta({ description: 'the seller never chose a window: it is the cap' }),
          orderRecordMonths: z.number().int(),
          orderRecordMaxMonths: z.number().int(),
          orderRecordBasis: z.string().nullable(),
          updatedAt: instantOrNull(),
        }),
      ),
    })
    .meta({ description: 'the seller’s retention windows per marketplace, with their caps' }),
);

export const RetentionStatusSchema = viewSchema<RetentionStatus>()(
  'RetentionStatus',
  z
    .object({
      tenantId: z.uuid(),
      asOf: instant(),
      marketplaces: z.array(
        z
          .object({
            marketplace: marketplace(),
            windowDays: z.number().int(),
            withBuyerData: z.number().int(),
            dueIn7Days: z.number().int(),
            overdue: z.number().int(),
            held: z.number().int(),
            heldOverdue: z.number().int(),
            earliestDueAt: instantOrNull(),
            destroyedLast30Days: z.number().int(),
          })
          .readonly(),
      ),
      totals: z
        .object({
          withBuyerData: z.number().int(),
          dueIn7Days: z.number().int(),
          overdue: z.number().int(),
          held: z.number().int(),
          destroyedLast30Days: z.number().int(),
        })
        .readonly(),
    })
    .readonly()
    .meta({ description: 'the seller’s buyer data now: held, due within 7 days, overdue, held, destroyed lately' }),
);

export const LegalHoldViewSchema = viewSchema<LegalHoldView>()(
  'LegalHold',
  z
    .object({
      holdId: z.uuid(),
      tenantId: z.uuid(),
      scope: z.enum(['tenant', 'orders']),
      orderIds: z.array(z.uuid()).nullable(),
      reason: z.string(),
      requester: z.string(),
      placedBy: z.string(),
      placedAt: instant(),
      expiresAt: instant(),
      renewedAt: instantOrNull(),
      releasedAt: instantOrNull(),
      releasedBy: z.string().nullable(),
      status: z.enum(['active', 'expired', 'released']),
    })
    .meta({ description: 'a legal hold: what it keeps from destruction, why, until when' }),
);
