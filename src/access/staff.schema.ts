import { z } from 'zod';
import { STAFF_ROLES } from '../auth';
import { instant, viewSchema } from '../platform/http/openapi/view-schema';
import type { IssuedKeyView } from './api-key.mapper';
import { IssuedKeyViewSchema } from './api-key.schema';
import type { StaffView } from './staff.service';

/** `StaffView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const StaffViewSchema = viewSchema<StaffView>()(
  'StaffMember',
  z
    .object({
      staffId: z.uuid(),
      name: z.string(),
      role: z.enum(STAFF_ROLES as ['admin', 'support', 'auditor']),
      status: z.string(),
      createdAt: instant(),
    })
    .meta({ description: 'a named member of our staff (no shared accounts)' }),
);

export const CreatedStaffSchema = viewSchema<{ staff: StaffView; key: IssuedKeyView }>()(
  'CreatedStaffMember',
  z.object({ staff: StaffViewSchema, key: IssuedKeyViewSchema }).meta({
    description: 'the new staff member and their first key (its secret shown this once)',
  }),
);
