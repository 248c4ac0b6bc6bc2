import { validationFailed } from '../platform';

/**
 * What a data key protects, and the label bound into each ciphertext's AAD.
 * These strings are part of the stored format: never rename one, only add.
 */
export const DATA_PURPOSES = [
  'order.pii',
  'connection.credentials',
  'dead_letter.payload',
  'endpoint.secret',
  'endpoint.headers',
  'delivery.response',
  'dsr.corrections',
] as const;

export type DataPurpose = (typeof DATA_PURPOSES)[number];

const known = new Set<string>(DATA_PURPOSES);

export function isDataPurpose(value: unknown): value is DataPurpose {
  return typeof value === 'string' && known.has(value);
}

export function assertDataPurpose(value: unknown): DataPurpose {
  if (!isDataPurpose(value)) {
    throw validationFailed('unknown data purpose', [{ field: 'purpose', issue: `expected one of ${DATA_PURPOSES}` }]);
  }
  return value;
}

/** Purposes of the key-wrapping layers; distinct from data purposes so a wrap never opens as data. */
export const WRAP_PURPOSES = {
  tenantKey: 'tenant_key',
  indexRoot: 'index_root',
} as const;
