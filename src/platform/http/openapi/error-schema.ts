import { z } from 'zod';
import type { ErrorBody } from '../domain-error.filter';
import { viewSchema } from './view-schema';

/** The body of every 4xx and 5xx answer, as `DomainErrorFilter` writes it. */
export const ErrorBodySchema = viewSchema<ErrorBody>()(
  'Error',
  z
    .object({
      error: z.object({
        code: z.string().meta({ description: 'stable error code (validation_failed, not_found, forbidden, …)' }),
        message: z.string().meta({ description: 'for people; never buyer data or a rejected value' }),
        details: z
          .array(
            z.object({
              field: z.string().optional(),
              issue: z.string(),
            }),
          )
          .readonly()
          .optional()
          .meta({ description: 'per-field problems (4xx only)' }),
        requestId: z.string().optional().meta({ description: 'the X-Request-Id of the request, for support' }),
      }),
    })
    .meta({ description: 'an error answer (every 4xx and 5xx)' }),
);
