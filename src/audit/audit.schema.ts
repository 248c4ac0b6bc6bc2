import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../platform/http/openapi/view-schema';
import type { AuditCheckpointView, AuditEntryPage, AuditVerificationView, PublicKeysView } from './audit.mapper';

const entry = z
  .object({
    chainId: z.string().meta({ description: '`tenant:<uuid>` or `platform`' }),
    seq: z.string().meta({ description: 'position in its chain (a decimal string: it may exceed 2^53)' }),
    tenantId: z.uuid().nullable(),
    occurredAt: instant(),
    actor: z.object({ kind: z.string(), id: z.string(), role: z.string().nullable(), keyId: z.string().nullable() }),
    action: z.string(),
    targets: z.unknown().meta({ description: 'ids only (orders, endpoint, grant, request …), never buyer data' }),
    reason: z.string().nullable(),
    ticketRef: z.string().nullable(),
    requestId: z.string().nullable(),
    outcome: z.string().meta({ description: 'allowed or denied' }),
    breakGlass: z.boolean(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ description: 'one access-log entry (see docs/ACCESS-LOG-FORMAT.md)' });

/** `AuditEntryPage` as the OpenAPI document describes it (the compiler holds the two equal). */
export const AuditEntryPageSchema = viewSchema<AuditEntryPage>()(
  'AuditEntryPage',
  z.object({
    items: z.array(entry),
    nextCursor: z.string().optional().meta({ description: 'pass as `cursor` for the next page; absent on the last' }),
  }),
);

export const AuditCheckpointViewSchema = viewSchema<AuditCheckpointView>()(
  'AuditCheckpoint',
  z
    .object({
      checkpointSeq: z.string(),
      createdAt: instant(),
      chainCount: z.number().int(),
      root: z.string().meta({ description: 'Merkle root of every chain head (hex)' }),
      signingKeyId: z.string(),
      signature: z.string().meta({ description: 'Ed25519 over the checkpoint statement' }),
    })
    .meta({ description: 'a signed checkpoint of every chain head' }),
);

const signingKey = z.object({
  keyId: z.string(),
  algorithm: z.string(),
  publicKey: z
    .string()
    .meta({ description: 'raw 32-byte Ed25519 key, base64 (what `audit verify --public-key` takes)' }),
  publicKeyHex: z.string(),
  createdAt: instant(),
  retiredAt: instantOrNull(),
});

export const PublicKeysViewSchema = viewSchema<PublicKeysView>()(
  'AuditPublicKeys',
  z
    .object({ purpose: z.literal('audit.checkpoint'), current: signingKey, keys: z.array(signingKey) })
    .meta({ description: 'the keys that sign checkpoints, retired ones included' }),
);

const problem = z
  .object({
    chainId: z.string(),
    seq: z.string(),
    problem: z.enum([
      'hash_mismatch',
      'broken_link',
      'gap',
      'missing_tail',
      'bad_signature',
      'root_mismatch',
      'head_mismatch',
      'malformed',
    ]),
    checkpointSeq: z.string().optional(),
    detail: z.string(),
  })
  .readonly();

export const AuditVerificationViewSchema = viewSchema<AuditVerificationView>()(
  'AuditVerification',
  z
    .object({
      ok: z.boolean(),
      chains: z.number().int(),
      entries: z.number().int(),
      checkpoints: z.number().int(),
      unattestedEntries: z.number().int().meta({ description: 'newer than the last checkpoint: linked, not signed' }),
      firstBad: problem.optional(),
      problems: z.array(problem).meta({ description: 'the first problem of each chain, and checkpoint problems' }),
    })
    .readonly()
    .meta({ description: 'chains and checkpoints recomputed: ok, counts and the first bad entry' }),
);
