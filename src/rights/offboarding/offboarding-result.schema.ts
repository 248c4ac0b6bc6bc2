import { z } from 'zod';
import { instant, viewSchema } from '../../platform/http/openapi/view-schema';
import type { OffboardingResult } from './tenant-offboarding.service';

const chainHead = z.object({ chainId: z.string(), seq: z.string(), hash: z.string() }).nullable();

/** `OffboardingResult` as the OpenAPI document describes it (the compiler holds the two equal). */
export const OffboardingResultSchema = viewSchema<OffboardingResult>()(
  'OffboardingResult',
  z
    .object({
      tenantId: z.uuid(),
      status: z.literal('offboarded'),
      alreadyOffboarded: z.boolean(),
      certificate: z.object({
        format: z.literal('ordervault-deletion-certificate/v1'),
        certificate: z.object({
          tenantId: z.uuid(),
          requestedBy: z.string(),
          reason: z.string(),
          ticketRef: z.string().nullable(),
          startedAt: instant(),
          completedAt: instant(),
          deletedRows: z.record(z.string(), z.number().int()),
          revokedRows: z.record(z.string(), z.number().int()),
          destroyedKeys: z.array(z.string()).readonly(),
          exportedOrders: z.number().int().nullable(),
          overriddenLegalHolds: z.array(z.string()).readonly(),
          auditHead: z.object({
            tenantChain: chainHead,
            platformChain: chainHead,
            checkpoint: z.object({ seq: z.string(), createdAt: instant(), root: z.string() }).nullable(),
          }),
        }),
        signature: z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), value: z.string() }),
      }),
    })
    .meta({
      description: 'the seller offboarded, with its signed deletion certificate (docs/DELETION-CERTIFICATE.md)',
    }),
);
