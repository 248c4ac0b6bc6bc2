import { z } from 'zod';
import { viewSchema } from '../../platform/http/openapi/view-schema';

/** eBay's endpoint validation answer. */
export const EbayChallengeSchema = viewSchema<{ challengeResponse: string }>()(
  'EbayChallengeResponse',
  z.object({
    challengeResponse: z.string().meta({ description: 'hex SHA-256 of challenge code + verification token + URL' }),
  }),
);
