import { z } from 'zod';
import { instant, viewSchema } from '../../platform/http/openapi/view-schema';
import type { ConsentStart } from './amazon-oauth.service';

/** `ConsentStart` as the OpenAPI document describes it (the compiler holds the two equal). */
export const ConsentStartSchema = viewSchema<ConsentStart>()(
  'ConsentStart',
  z
    .object({
      consentUrl: z.string().meta({ description: 'where to send the seller’s browser (signed state; single use)' }),
      expiresAt: instant().meta({ description: 'the flow is refused after this instant' }),
    })
    .readonly(),
);
