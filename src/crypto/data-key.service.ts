import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { conflict, validationFailed, type Tx } from '../platform';
import { cryptoFailure } from './crypto-failure';
import { DataKeyHandle } from './data-key-handle';
import { unwrapDataKey, wrapDataKey } from './data-key-wrapping';
import { DataKeysRepository } from './data-keys.repository';
import { canonicalId } from './ids';
import { assertDataPurpose, type DataPurpose } from './purposes';
import { AEAD_KEY_BYTES } from './sodium';
import { TenantKeyStore, type CurrentTenantKey } from './tenant-key-store';

export interface DataKeySubject {
  readonly subjectId: string;
  readonly purpose: DataPurpose;
}

/**
 * Per-subject data keys (an order, a connection's credentials, a dead letter).
 * Batch-first: a page of orders costs one INSERT to create keys and one SELECT
 * to open them. Deleting a key shreds every copy of the subject's ciphertext.
 * Every method takes the caller's transaction, so keys commit (or vanish)
 * together with the rows they protect.
 */
@Injectable()
export class DataKeyService {
  constructor(
    private readonly store: TenantKeyStore,
    private readonly keys: DataKeysRepository,
  ) {}

  /**
   * Creates one random key per subject; the map is keyed by the subject ids as given.
   * `whileStoring` (optional) receives the handles as soon as the keys exist and runs
   * while their INSERT is in flight, so callers can seal with them without waiting for
   * the round trip; if storing then fails, the whole call fails (and the caller's
   * transaction with it), so nothing sealed with an unstored key survives.
   */
  async createDataKeys(
    tx: Tx,
    tenantId: string,
    subjects: readonly DataKeySubject[],
    whileStoring?: (handles: Map<string, DataKeyHandle>) => void,
  ): Promise<Map<string, DataKeyHandle>> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const seen = new Set<string>();
    const items = subjects.map((s) => {
      const subjectId = canonicalId(s.subjectId, 'subjectId');
      if (seen.has(subjectId)) throw validationFailed('duplicate subject id in one batch');
      seen.add(subjectId);
      return { given: s.subjectId, subjectId, purpose: assertDataPurpose(s.purpose) };
    });
    const handles = new Map<string, DataKeyHandle>();
    if (items.length === 0) return handles;

    const material = randomBytes(AEAD_KEY_BYTES * items.length);
    const keys = items.map((_, i) => material.subarray(i * AEAD_KEY_BYTES, (i + 1) * AEAD_KEY_BYTES));
    items.forEach((item, i) => {
      handles.set(item.given, new DataKeyHandle(tenant, item.subjectId, item.purpose, keys[i]));
    });
    let current = await this.store.current(tx, tenant);
    const storing = this.insert(tx, tenant, current, items, keys);
    if (whileStoring) {
      // The INSERT is on the wire; the caller's CPU work overlaps it. A throw here still
      // waits for the statement so the connection is left in a known state.
      try {
        whileStoring(handles);
      } catch (err) {
        await storing.catch(() => undefined);
        throw err;
      }
    }
    let inserted = await storing;
    if (inserted === 0) {
      // The key version we wrapped under is gone (stale cache): rewrap the same keys and store again.
      this.store.forgetCurrent(tenant);
      current = await this.store.current(tx, tenant);
      inserted = await this.insert(tx, tenant, current, items, keys);
    }
    if (inserted !== items.length) throw cryptoFailure('tenant key changed while creating data keys; retry');
    return handles;
  }

  /** Opens existing keys with one SELECT. A subject missing from the map has no key: destroyed or never created. */
  async openDataKeys(tx: Tx, tenantId: string, subjectIds: readonly string[]): Promise<Map<string, DataKeyHandle>> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const givenByCanonical = new Map<string, string[]>();
    for (const given of subjectIds) {
      const id = canonicalId(given, 'subjectId');
      givenByCanonical.set(id, [...(givenByCanonical.get(id) ?? []), given]);
    }
    const handles = new Map<string, DataKeyHandle>();
    if (givenByCanonical.size === 0) return handles;
    const rows = await this.keys.findBySubjects(tx, tenant, [...givenByCanonical.keys()]);
    for (const row of rows) {
      const key = unwrapDataKey(this.store, tenant, row);
      const handle = new DataKeyHandle(tenant, row.subject_id, row.purpose as DataPurpose, key);
      for (const given of givenByCanonical.get(row.subject_id) ?? []) handles.set(given, handle);
    }
    return handles;
  }

  /**
   * Opens the keys of subjects of several tenants in one statement (a dispatcher's claim spans tenants); the map's
   * keys are `dataKeyRef(tenantId, subjectId)` of the ids as given. Absent subjects have no entry.
   */
  async openDataKeysOfTenants(
    tx: Tx,
    subjects: ReadonlyArray<{ tenantId: string; subjectId: string }>,
  ): Promise<Map<string, DataKeyHandle>> {
    const givenByCanonical = new Map<string, string[]>();
    for (const s of subjects) {
      const ref = dataKeyRef(canonicalId(s.tenantId, 'tenantId'), canonicalId(s.subjectId, 'subjectId'));
      givenByCanonical.set(ref, [...(givenByCanonical.get(ref) ?? []), dataKeyRef(s.tenantId, s.subjectId)]);
    }
    const handles = new Map<string, DataKeyHandle>();
    if (givenByCanonical.size === 0) return handles;
    const pairs = [...givenByCanonical.keys()].map((ref) => ref.split('/'));
    const rows = await this.keys.findBySubjectsOfTenants(
      tx,
      pairs.map(([t]) => t),
      pairs.map(([, s]) => s),
    );
    for (const row of rows) {
      const key = unwrapDataKey(this.store, row.tenant_id, row);
      const handle = new DataKeyHandle(row.tenant_id, row.subject_id, row.purpose as DataPurpose, key);
      for (const given of givenByCanonical.get(dataKeyRef(row.tenant_id, row.subject_id)) ?? []) {
        handles.set(given, handle);
      }
    }
    return handles;
  }

  /** Opens one key, failing closed when it is gone (shredded subjects must not look like empty ones). */
  async openDataKey(tx: Tx, tenantId: string, subjectId: string): Promise<DataKeyHandle> {
    const handle = (await this.openDataKeys(tx, tenantId, [subjectId])).get(subjectId);
    if (!handle) {
      const id = canonicalId(subjectId, 'subjectId');
      throw cryptoFailure(`no data key for subject ${id} (destroyed or never created)`);
    }
    return handle;
  }

  /** Crypto-shreds the subjects: returns how many keys existed and are now gone. */
  async destroyDataKeys(tx: Tx, tenantId: string, subjectIds: readonly string[]): Promise<number> {
    const tenant = canonicalId(tenantId, 'tenantId');
    const ids = [...new Set(subjectIds.map((s) => canonicalId(s, 'subjectId')))];
    if (ids.length === 0) return 0;
    return this.keys.deleteBySubjects(tx, tenant, ids);
  }

  private async insert(
    tx: Tx,
    tenantId: string,
    current: CurrentTenantKey,
    items: readonly { subjectId: string; purpose: DataPurpose }[],
    keys: readonly Uint8Array[],
  ): Promise<number> {
    const wrapped = items.map((item, i) =>
      wrapDataKey(current.key, current.version, tenantId, item.subjectId, item.purpose, keys[i]),
    );
    try {
      // The INSERT is on the wire when this returns its promise, which is what lets `whileStoring` overlap it.
      return await this.keys.insert(tx, tenantId, current, {
        subjectIds: items.map((i) => i.subjectId),
        purposes: items.map((i) => i.purpose),
        wrapped,
      });
    } catch (err) {
      if (err instanceof QueryFailedError && (err.driverError as { code?: string })?.code === '23505') {
        throw conflict('a data key already exists for one of these subjects');
      }
      throw err;
    }
  }
}

/** The key of a tenant's subject in `openDataKeysOfTenants`'s answer. */
export function dataKeyRef(tenantId: string, subjectId: string): string {
  return `${tenantId}/${subjectId}`;
}
