import { cryptoFailure } from './crypto-failure';
import { EnvelopeKind, openEnvelope, sealEnvelope, type EnvelopeBinding } from './envelope';
import { isDataPurpose } from './purposes';
import { AEAD_KEY_BYTES } from './sodium';
import type { TenantKeyStore } from './tenant-key-store';

/** A `data_keys` row joined with the tenant key version that wraps it, so one SELECT opens a batch. */
export interface DataKeyRow {
  subject_id: string;
  purpose: string;
  tenant_key_version: number;
  wrapped_key: Buffer;
  tenant_wrapped_key: Buffer | null;
  master_key_id: string | null;
}

/** SELECT list and FROM clause producing `DataKeyRow`s; `d` is data_keys, `k` the wrapping tenant key. */
export const DATA_KEY_ROW_SOURCE = `d.subject_id, d.purpose, d.tenant_key_version, d.wrapped_key,
    k.wrapped_key AS tenant_wrapped_key, k.master_key_id
  FROM data_keys d
  LEFT JOIN tenant_keys k ON k.tenant_id = d.tenant_id AND k.version = d.tenant_key_version`;

/** AAD of a wrapped data key: the row's tenant, subject and purpose, and the wrapping tenant key version. */
export function dataKeyBinding(
  tenantId: string,
  subjectId: string,
  purpose: string,
  tenantKeyVersion: number,
): EnvelopeBinding {
  return { kind: EnvelopeKind.dataKey, keyVersion: tenantKeyVersion, tenantId, subjectId, purpose };
}

export function wrapDataKey(
  tenantKey: Uint8Array,
  tenantKeyVersion: number,
  tenantId: string,
  subjectId: string,
  purpose: string,
  dataKey: Uint8Array,
): Buffer {
  return sealEnvelope(tenantKey, dataKeyBinding(tenantId, subjectId, purpose, tenantKeyVersion), dataKey);
}

/** Unwraps a joined row; fails closed on an unknown purpose, a missing tenant key version or a tampered row. */
export function unwrapDataKey(store: TenantKeyStore, tenantId: string, row: DataKeyRow): Uint8Array {
  if (!isDataPurpose(row.purpose)) throw cryptoFailure(`data key for subject ${row.subject_id} has an unknown purpose`);
  if (!row.tenant_wrapped_key || !row.master_key_id) {
    throw cryptoFailure(`tenant key version ${row.tenant_key_version} of tenant ${tenantId} does not exist`);
  }
  const tenantKey = store.unwrapTenantKey(tenantId, row.tenant_key_version, {
    wrappedKey: row.tenant_wrapped_key,
    masterKeyId: row.master_key_id,
  });
  const key = openEnvelope(
    tenantKey,
    dataKeyBinding(tenantId, row.subject_id, row.purpose, row.tenant_key_version),
    row.wrapped_key,
  );
  if (key.length !== AEAD_KEY_BYTES) throw cryptoFailure('data key has the wrong length');
  return key;
}
