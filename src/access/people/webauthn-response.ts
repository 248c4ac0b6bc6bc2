import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { validationFailed } from '../../platform/errors/domain-error';

const b64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/)
  .max(16_384);

const registration = z.object({
  id: b64url.min(1).max(1_400),
  rawId: b64url.min(1).max(1_400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(20)).max(10).optional(),
  }),
  clientExtensionResults: z.object({}).passthrough().default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

const authentication = z.object({
  id: b64url.min(1).max(1_400),
  rawId: b64url.min(1).max(1_400),
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: z.object({}).passthrough().default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw validationFailed(`not a WebAuthn ${what} response`, [
      { field: r.error.issues[0]?.path.join('.') || 'credential', issue: 'malformed' },
    ]);
  }
  return r.data;
}

/** A browser's `navigator.credentials.create()` answer as JSON, its shape checked (untrusted). */
export const parseRegistrationResponse = (value: unknown) =>
  parse(registration, value, 'registration') as RegistrationResponseJSON;

/** A browser's `navigator.credentials.get()` answer as JSON, its shape checked (untrusted). */
export const parseAuthenticationResponse = (value: unknown) =>
  parse(authentication, value, 'authentication') as AuthenticationResponseJSON;

/** The challenge the client data says it signed (the verification proper checks it again against ours). */
export function challengeOf(clientDataJSON: string): string {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof data.challenge === 'string' && /^[A-Za-z0-9_-]{16,200}$/.test(data.challenge)) return data.challenge;
  } catch {
    // fall through: malformed client data
  }
  throw validationFailed('the WebAuthn client data names no challenge', [
    { field: 'response.clientDataJSON', issue: 'malformed' },
  ]);
}
