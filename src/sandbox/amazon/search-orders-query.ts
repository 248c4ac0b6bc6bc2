import { FULFILLED_BY, FULFILLMENT_STATUSES, INCLUDED_DATA } from './wire-types';
import type { FulfilledBy, FulfillmentStatus, IncludedData } from './wire-types';

/** `*Before` must be "at least two minutes before the time of the request" (model; reference §1.2). */
export const BEFORE_MARGIN_MS = 2 * 60 * 1000;
const MAX_MARKETPLACE_IDS = 50;

export interface SearchOrdersQuery {
  readonly timeField: 'created' | 'lastUpdated';
  readonly after: number;
  /** Resolved upper bound: as given, or now − 2 minutes. */
  readonly before: number;
  readonly beforeGiven: boolean;
  readonly marketplaceIds?: readonly string[];
  readonly fulfillmentStatuses?: readonly FulfillmentStatus[];
  readonly fulfilledBy?: readonly FulfilledBy[];
  readonly maxResultsPerPage: number;
  readonly paginationToken?: string;
  readonly includedData: ReadonlySet<IncludedData>;
  /** Canonical filter parameters as sent, which a pagination token is bound to. */
  readonly filterKey: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; details: string };

/**
 * Splits a query parameter the way amazon-sp-api sends arrays: one key, values joined by
 * commas and percent-encoded (reference §6.1 "Query string"). URLSearchParams has already
 * decoded %2C back to ',', so splitting the decoded value is enough.
 */
export function listParam(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.getAll(name);
  if (raw.length === 0) return undefined;
  return raw
    .join(',')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

export function parseTimestamp(value: string): number | undefined {
  if (!ISO_8601.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function enumList<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): Parsed<T[] | undefined> {
  const values = listParam(params, name);
  if (values === undefined) return { ok: true, value: undefined };
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) return { ok: false, details: `Invalid value '${bad}' for ${name}.` };
  return { ok: true, value: values as T[] };
}

export function parseIncludedData(params: URLSearchParams): Parsed<ReadonlySet<IncludedData>> {
  const parsed = enumList(params, 'includedData', INCLUDED_DATA);
  if (!parsed.ok) return parsed;
  return { ok: true, value: new Set(parsed.value ?? []) };
}

/** Validates searchOrders parameters against the model's rules (reference §1.2 searchOrders). */
export function parseSearchOrdersQuery(params: URLSearchParams, now: number): Parsed<SearchOrdersQuery> {
  const present = (name: string) => params.has(name) && params.get(name) !== '';
  const createdAfter = present('createdAfter');
  const lastUpdatedAfter = present('lastUpdatedAfter');
  if (createdAfter === lastUpdatedAfter) {
    return { ok: false, details: 'Exactly one of createdAfter and lastUpdatedAfter must be provided.' };
  }
  const timeField = createdAfter ? 'created' : 'lastUpdated';
  const other = createdAfter ? 'lastUpdated' : 'created';
  if (present(`${other}Before`)) {
    return { ok: false, details: `${other}Before cannot be combined with ${timeField}After.` };
  }

  const afterName = `${timeField}After`;
  const beforeName = `${timeField}Before`;
  const after = parseTimestamp(params.get(afterName) ?? '');
  if (after === undefined) return { ok: false, details: `${afterName} must be an ISO 8601 date-time.` };
  let before = now - BEFORE_MARGIN_MS;
  const beforeGiven = present(beforeName);
  if (beforeGiven) {
    const parsed = parseTimestamp(params.get(beforeName) ?? '');
    if (parsed === undefined) return { ok: false, details: `${beforeName} must be an ISO 8601 date-time.` };
    if (parsed > now - BEFORE_MARGIN_MS) {
      return { ok: false, details: `${beforeName} must be at least two minutes before the time of the request.` };
    }
    if (parsed < after) return { ok: false, details: `${beforeName} must be equal to or after ${afterName}.` };
    before = parsed;
  } else if (after > before) {
    return { ok: false, details: `${afterName} must be at least two minutes before the time of the request.` };
  }

  const marketplaceIds = listParam(params, 'marketplaceIds');
  if (marketplaceIds && marketplaceIds.length > MAX_MARKETPLACE_IDS) {
    return { ok: false, details: `marketplaceIds accepts at most ${MAX_MARKETPLACE_IDS} values.` };
  }
  const statuses = enumList(params, 'fulfillmentStatuses', FULFILLMENT_STATUSES);
  if (!statuses.ok) return statuses;
  const fulfilledBy = enumList(params, 'fulfilledBy', FULFILLED_BY);
  if (!fulfilledBy.ok) return fulfilledBy;
  const included = parseIncludedData(params);
  if (!included.ok) return included;

  let maxResultsPerPage = 100;
  if (present('maxResultsPerPage')) {
    const raw = params.get('maxResultsPerPage') ?? '';
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      return { ok: false, details: 'maxResultsPerPage must be an integer between 1 and 100.' };
    }
    maxResultsPerPage = n;
  }

  const sorted = (v?: readonly string[]) => (v ? [...new Set(v)].sort() : null);
  const filterKey = JSON.stringify({
    timeField,
    after,
    before: beforeGiven ? before : null,
    marketplaceIds: sorted(marketplaceIds),
    fulfillmentStatuses: sorted(statuses.value),
    fulfilledBy: sorted(fulfilledBy.value),
  });
  return {
    ok: true,
    value: {
      timeField,
      after,
      before,
      beforeGiven,
      ...(marketplaceIds ? { marketplaceIds } : {}),
      ...(statuses.value ? { fulfillmentStatuses: statuses.value } : {}),
      ...(fulfilledBy.value ? { fulfilledBy: fulfilledBy.value } : {}),
      maxResultsPerPage,
      ...(present('paginationToken') ? { paginationToken: params.get('paginationToken') as string } : {}),
      includedData: included.value,
      filterKey,
    },
  };
}
