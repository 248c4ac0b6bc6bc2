import { z } from 'zod';
import { instant, instantOrNull, viewSchema } from '../../platform/http/openapi/view-schema';
import type { PasskeyView } from './passkeys.service';

/** `PasskeyView` as the OpenAPI document describes it (the compiler holds the two equal). */
export const PasskeyViewSchema = viewSchema<PasskeyView>()(
  'Passkey',
  z
    .object({
      passkeyId: z.uuid(),
      name: z.string(),
      transports: z
        .array(z.string())
        .meta({ description: 'as the authenticator named them: internal, usb, hybrid, …' }),
      createdAt: instant(),
      lastUsedAt: instantOrNull(),
    })
    .meta({ description: 'a passkey of a console account: never its key' }),
);
