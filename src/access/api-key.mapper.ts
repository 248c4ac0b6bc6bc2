import type { ApiKey } from './api-key.entity';

/** A key as listed: never its secret or hash. */
export interface ApiKeyView {
  keyId: string;
  ownerKind: string;
  tenantId: string | null;
  staffId: string | null;
  scopes: string[];
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedFrom: string | null;
}

/** Returned once, when a key is created or rotated. */
export interface IssuedKeyView extends ApiKeyView {
  /** The full key. It is not stored and cannot be shown again. */
  key: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toApiKeyView = (k: ApiKey): ApiKeyView => ({
  keyId: k.keyId,
  ownerKind: k.ownerKind,
  tenantId: k.tenantId,
  staffId: k.staffId,
  scopes: k.scopes,
  label: k.label,
  createdAt: k.createdAt.toISOString(),
  expiresAt: iso(k.expiresAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  rotatedFrom: k.rotatedFrom,
});
