/**
 * The canonical JSON of the access log, free of Node so the in-browser
 * verifier shares it: JCS (RFC 8785) for the values an entry or a manifest
 * holds, and the array an entry's hash covers (format in audit-hash.ts).
 */
export const ENTRY_FORMAT_TAG = 'ov-audit-v1';

/** JCS (RFC 8785) for the JSON values an entry holds: sorted object keys, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return 'null';
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The hashed fields of an entry, as stored (targets exactly as read back from the row or an export line). */
export interface CanonicalEntry {
  readonly chainId: string;
  readonly tenantId: string | null;
  readonly occurredAt: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly actorRole: string | null;
  readonly action: string;
  readonly targets: unknown;
  readonly reason: string | null;
  readonly ticketRef: string | null;
  readonly requestId: string | null;
  readonly outcome: string;
  readonly breakGlass: boolean;
}

export function canonicalEntryJson(e: CanonicalEntry): string {
  return canonicalJson([
    ENTRY_FORMAT_TAG,
    e.chainId,
    e.tenantId,
    e.occurredAt,
    e.actorKind,
    e.actorId,
    e.actorRole,
    e.action,
    e.targets,
    e.reason,
    e.ticketRef,
    e.requestId,
    e.outcome,
    e.breakGlass,
  ]);
}
