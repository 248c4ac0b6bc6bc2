import { z } from 'zod';
import { viewSchema } from '../platform/http/openapi/view-schema';
import type { SignedExportView } from './audit-export-bundle.service';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

/** `SignedExportView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const SignedExportViewSchema = viewSchema<SignedExportView>()(
  'SignedAuditExport',
  z
    .object({
      fileName: z.string(),
      contentType: z.string(),
      content: z.string().meta({ description: 'the export file, NDJSON or CSV; save it byte for byte' }),
      manifest: z
        .object({
          format: z.literal('ordervault-audit-export-manifest/v1'),
          file: z.object({
            name: z.string(),
            format: z.enum(['ndjson', 'csv']),
            sha256: hex(32),
            bytes: z.number().int(),
          }),
          scope: z.object({ kind: z.enum(['all', 'tenant']), tenantId: z.string().nullable() }),
          exportedAt: z.string(),
          covered: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
          counts: z.object({ chains: z.number().int(), entries: z.number().int(), checkpoints: z.number().int() }),
          lastCheckpointSeq: z.string().nullable(),
          signingKeyId: z.string(),
          signature: hex(64).meta({ description: 'Ed25519 by the checkpoint signing key (GET /v1/audit/public-key)' }),
        })
        .meta({ description: 'signed manifest: SHA-256 of the file, scope, coverage and counts' }),
    })
    .meta({ description: 'an access-log export and its signed manifest' }),
);
