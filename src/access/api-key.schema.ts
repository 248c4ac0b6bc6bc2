import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';

const keyFields = {
  keyId: z.string(),
  ownerKind: z.string().meta({ description: 'seller or staff' }),
  tenantId: z.uuid().nullable(),
  staffId: z.uuid().nullable(),
  scopes: z.array(z.string()),
  label: z.string(),
  createdAt: instant(),
  expiresAt: instantOrNull(),
  lastUsedAt: instantOrNull(),
  revokedAt: instantOrNull(),
  rotatedFrom: z.string().nullable(),
};

/** `ApiKeyView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ApiKeyViewSchema = viewSchema<ApiKeyView>()(
  'ApiKey',
  z.object(keyFields).meta({ description: 'an API key as listed: never its secret' }),
);

export const IssuedKeyViewSchema = viewSchema<IssuedKeyView>()(
  'IssuedApiKey',
  z
    .object({ ...keyFields, key: z.string().meta({ description: 'the full key (`ov_live_…`), shown this once' }) })
    .meta({ description: 'a key just created or rotated, with its secret' }),
);
