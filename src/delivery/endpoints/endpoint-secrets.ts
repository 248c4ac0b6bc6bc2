import { randomBytes } from 'node:crypto';
import { validationFailed } from '../../platform/errors/domain-error';

/** Standard Webhooks' serialisation of a symmetric secret: `whsec_` + base64 of the key bytes. */
export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;

export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
/** Earlier secrets still valid at once; a rotation past this drops the oldest at once. */
export const MAX_PREVIOUS_SECRETS = 5;

/**
 * An endpoint's signing secrets, as sealed under its data key: the current one
 * and those a rotation left valid for an overlap (each signs too until it expires).
 */
export interface EndpointSecrets {
  readonly current: string;
  readonly previous: ReadonlyArray<{ readonly secret: string; readonly expiresAt: string }>;
  /** Ed25519 secret key (PKCS#8 DER, base64) for `v1a` signatures, when the endpoint has a key pair. */
  readonly ed25519?: string;
}

export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The key bytes of a `whsec_` secret. */
export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function overlapSeconds(requested: number | undefined): number {
  const value = requested ?? DEFAULT_OVERLAP_SECONDS;
  if (!Number.isInteger(value) || value < 0 || value > MAX_OVERLAP_SECONDS) {
    throw validationFailed('invalid overlap', [
      { field: 'overlapSeconds', issue: `an integer from 0 to ${MAX_OVERLAP_SECONDS} (7 days)` },
    ]);
  }
  return value;
}

/** A new current secret; the old one keeps signing until `now + overlap`. */
export function rotateSecrets(
  secrets: EndpointSecrets,
  now: Date,
  overlapSecondsValue: number,
): { secrets: EndpointSecrets; fresh: string } {
  const fresh = newSigningSecret();
  const kept = stillValid(secrets, now);
  const previous =
    overlapSecondsValue > 0
      ? [{ secret: secrets.current, expiresAt: new Date(now.getTime() + overlapSecondsValue * 1000).toISOString() }]
      : [];
  return {
    fresh,
    secrets: {
      ...secrets,
      current: fresh,
      previous: [...previous, ...kept].slice(0, MAX_PREVIOUS_SECRETS),
    },
  };
}

/** Earlier secrets whose overlap has not ended. */
export function stillValid(secrets: EndpointSecrets, now: Date): EndpointSecrets['previous'] {
  return secrets.previous.filter((p) => new Date(p.expiresAt).getTime() > now.getTime());
}

/** Every secret that signs a message sent now: current first. */
export function signingSecrets(secrets: EndpointSecrets, now: Date): string[] {
  return [secrets.current, ...stillValid(secrets, now).map((p) => p.secret)];
}

/** When the last earlier secret stops signing, or null when only the current one does. */
export function overlapEndsAt(secrets: EndpointSecrets, now: Date): Date | null {
  const ends = stillValid(secrets, now).map((p) => new Date(p.expiresAt).getTime());
  return ends.length ? new Date(Math.max(...ends)) : null;
}
