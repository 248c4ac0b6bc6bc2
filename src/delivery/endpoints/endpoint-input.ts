import { validationFailed, type ErrorDetail } from '../../platform/errors/domain-error';
import { SUBSCRIBABLE_EVENT_TYPES } from '../event-types';
import { PAYLOAD_MODES, type PayloadMode } from '../payload-modes';

/** What a seller sets on an endpoint; on update, absent fields stay as they are (null clears). */
export interface EndpointFields {
  url?: string;
  description?: string;
  eventTypes?: string[];
  payloadMode?: PayloadMode;
  enabled?: boolean;
  rateLimitPerSecond?: number | null;
  /** Replaces every static header; null removes them. */
  staticHeaders?: Record<string, string> | null;
  /** true: give the endpoint an Ed25519 key pair (`v1a` signatures, public key shown); false: remove it. */
  signingKeyPair?: boolean;
  /** X25519 public key (base64 of 32 bytes) that `sealed` payloads seal buyer data to; null removes it. */
  sealingPublicKey?: string | null;
}

export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_RATE_LIMIT = 1000;
export const MAX_ENDPOINTS_PER_TENANT = 20;

export const SEALING_KEY_BYTES = 32;

// C0/C1 controls and bidi overrides would let a description forge how a listing reads.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Field rules the DTOs cannot express (also enforced for the CLI, which has no DTOs). */
export function checkEndpointFields(input: EndpointFields): void {
  const details: ErrorDetail[] = [];
  if (input.description !== undefined) {
    if (
      typeof input.description !== 'string' ||
      input.description.length > MAX_DESCRIPTION_LENGTH ||
      CONTROL.test(input.description)
    ) {
      details.push({
        field: 'description',
        issue: `at most ${MAX_DESCRIPTION_LENGTH} characters, no control characters`,
      });
    }
  }
  if (input.eventTypes !== undefined) {
    if (
      !Array.isArray(input.eventTypes) ||
      input.eventTypes.length > SUBSCRIBABLE_EVENT_TYPES.length ||
      input.eventTypes.some((t) => !SUBSCRIBABLE_EVENT_TYPES.includes(t))
    ) {
      details.push({ field: 'eventTypes', issue: `each one of ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}` });
    }
  }
  if (input.payloadMode !== undefined) {
    if (!PAYLOAD_MODES.includes(input.payloadMode)) {
      details.push({ field: 'payloadMode', issue: `one of ${PAYLOAD_MODES.join(', ')}` });
    }
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    details.push({ field: 'enabled', issue: 'true or false' });
  }
  const rate = input.rateLimitPerSecond;
  if (rate !== undefined && rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_LIMIT)) {
    details.push({ field: 'rateLimitPerSecond', issue: `an integer from 1 to ${MAX_RATE_LIMIT}, or null` });
  }
  if (input.signingKeyPair !== undefined && typeof input.signingKeyPair !== 'boolean') {
    details.push({ field: 'signingKeyPair', issue: 'true or false' });
  }
  const sealing = input.sealingPublicKey;
  if (sealing !== undefined && sealing !== null && !isSealingKey(sealing)) {
    details.push({
      field: 'sealingPublicKey',
      issue: `base64 of a ${SEALING_KEY_BYTES}-byte X25519 public key, or null`,
    });
  }
  if (details.length) throw validationFailed('invalid endpoint', details);
}

function isSealingKey(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === SEALING_KEY_BYTES;
}

/** The distinct event types, in catalog order (so equal filters store equally). */
export const canonicalEventTypes = (types: readonly string[]) =>
  SUBSCRIBABLE_EVENT_TYPES.filter((t) => types.includes(t));
