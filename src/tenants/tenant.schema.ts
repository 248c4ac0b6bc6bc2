import { z } from 'zod';
import { instant, viewSchema } from '../platform/http/openapi/view-schema';
import type { TenantView } from './tenant.mapper';

/** `TenantView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const TenantViewSchema = viewSchema<TenantView>()(
  'Tenant',
  z.object({ tenantId: z.uuid(), name: z.string(), status: z.string(), createdAt: instant() }),
);
