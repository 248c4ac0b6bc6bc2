import { fulfillmentRequestError, type SimResponse } from './ebay-errors';
import type { FulfillmentStatus } from './wire-types';

/**
 * The getOrders `filter` grammar (reference §1.2, spec /order `filter` parameter):
 *
 *   filter    := criterion (',' criterion)*
 *   criterion := name ':' ( '[' start? '..' end? ']' | '{' value ('|' value)* '}' )
 *
 * The caller has already percent-decoded the query with URLSearchParams (ebay-api sends `:`/`,`
 * literally and `[ ] { | }` as %5B %5D %7B %7C %7D, §1.2 "What ebay-api actually sends").
 */

export interface DateRange {
  /** Inclusive bounds, epoch ms. */
  from: number;
  to?: number;
}

export interface OrderFilter {
  creationdate?: DateRange;
  lastmodifieddate?: DateRange;
  orderfulfillmentstatus?: FulfillmentStatus[];
}

export type FilterResult = { ok: true; filter: OrderFilter } | { ok: false; error: SimResponse };

const DATE_FILTERS = ['creationdate', 'lastmodifieddate'] as const;

/** eBay documents `YYYY-MM-DDThh:mm:ss.sssZ` (UTC). Milliseconds are accepted as optional. */
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;

/** Only these two combinations are supported (spec filter description); matched as sets. */
const STATUS_COMBINATIONS: FulfillmentStatus[][] = [
  ['NOT_STARTED', 'IN_PROGRESS'],
  ['FULFILLED', 'IN_PROGRESS'],
];

/** The two-year span of 30830; eBay's message carries the number of years. */
const MAX_RANGE_YEARS = 2;

export function parseIsoUtc(text: string): number | undefined {
  const m = ISO_UTC.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Reject dates JavaScript silently rolls over (2024-02-30 → March 1st).
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== Number(m[1]) ||
    back.getUTCMonth() + 1 !== Number(m[2]) ||
    back.getUTCDate() !== Number(m[3])
  )
    return undefined;
  return ms;
}

/** Splits on commas that are not inside brackets or braces. */
function splitCriteria(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of filter) {
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const invalidValue = (name: string, value: string): SimResponse =>
  fulfillmentRequestError(30800, `Invalid filter value ${value} for filter ${name}`, [{ name: 'filter', value: name }]);

function parseDateRange(
  name: string,
  value: string,
  nowMs: number,
): { ok: true; range: DateRange } | { ok: false; error: SimResponse } {
  if (!value.startsWith('[') || !value.endsWith(']') || !value.includes('..')) {
    return { ok: false, error: invalidValue(name, value) };
  }
  const inner = value.slice(1, -1);
  const sep = inner.indexOf('..');
  const startText = inner.slice(0, sep).trim();
  const endText = inner.slice(sep + 2).trim();
  if (startText === '') return { ok: false, error: fulfillmentRequestError(30820, 'Start date is missing') };
  const from = parseIsoUtc(startText);
  const to = endText === '' ? undefined : parseIsoUtc(endText);
  if (from === undefined || (endText !== '' && to === undefined)) {
    return { ok: false, error: fulfillmentRequestError(30810, 'Invalid date format') };
  }
  // Compared with the simulator clock: the real service rejects a TO later than its own now (§0.1).
  if (from > nowMs || (to !== undefined && to > nowMs)) {
    return { ok: false, error: fulfillmentRequestError(30850, "Start and end dates can't be in the future") };
  }
  if (to !== undefined && from > to) {
    return { ok: false, error: fulfillmentRequestError(30840, 'Start date should be before end date') };
  }
  if (to !== undefined && to - from > MAX_RANGE_YEARS * 365 * 86_400_000) {
    return {
      ok: false,
      error: fulfillmentRequestError(
        30830,
        `Time range between start date and end date must be within '${MAX_RANGE_YEARS}' years.`,
      ),
    };
  }
  return { ok: true, range: { from, ...(to !== undefined ? { to } : {}) } };
}

function parseStatusSet(
  name: string,
  value: string,
): { ok: true; statuses: FulfillmentStatus[] } | { ok: false; error: SimResponse } {
  if (!value.startsWith('{') || !value.endsWith('}')) return { ok: false, error: invalidValue(name, value) };
  const wanted = value
    .slice(1, -1)
    .split('|')
    .map((v) => v.trim());
  const match = STATUS_COMBINATIONS.find(
    (combo) => combo.length === wanted.length && combo.every((s) => wanted.includes(s)),
  );
  if (!match) return { ok: false, error: invalidValue(name, value) };
  return { ok: true, statuses: [...match] };
}

/**
 * Parses and validates a decoded `filter` value. Both date criteria are validated even though only
 * creationdate is used when both are present (spec: "If creationdate and lastmodifieddate are both
 * included, only creationdate is used").
 */
export function parseOrderFilter(filter: string, nowMs: number): FilterResult {
  const result: OrderFilter = {};
  for (const criterion of splitCriteria(filter)) {
    const colon = criterion.indexOf(':');
    const name = colon < 0 ? criterion : criterion.slice(0, colon);
    const value = colon < 0 ? '' : criterion.slice(colon + 1).trim();
    if ((DATE_FILTERS as readonly string[]).includes(name)) {
      const parsed = parseDateRange(name, value, nowMs);
      if (!parsed.ok) return parsed;
      result[name as (typeof DATE_FILTERS)[number]] = parsed.range;
    } else if (name === 'orderfulfillmentstatus') {
      const parsed = parseStatusSet(name, value);
      if (!parsed.ok) return parsed;
      result.orderfulfillmentstatus = parsed.statuses;
    } else {
      return {
        ok: false,
        error: fulfillmentRequestError(30700, `Invalid filter name: ${name}`, [{ name: 'filter', value: name }]),
      };
    }
  }
  return { ok: true, filter: result };
}

/**
 * Re-encodes a filter for `href`/`next` the way real responses show it: brackets, braces and pipe
 * percent-encoded, `:` and `,` literal (reference §1.4 real page).
 */
export function encodeFilterForHref(filter: string): string {
  return encodeURIComponent(filter).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}
