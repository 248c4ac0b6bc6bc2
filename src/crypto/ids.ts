import { validationFailed } from '../platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Tenant and subject ids are bound into every AAD as text, and PostgreSQL hands
 * uuids back in lower case: normalising here keeps a ciphertext sealed with an
 * upper-case id openable from the row read back later.
 */
export function canonicalId(value: string, field: string): string {
  const id = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!UUID.test(id)) throw validationFailed(`${field} must be a uuid`, [{ field, issue: 'not a uuid' }]);
  return id;
}
