import { parseInstant } from '../platform/validation/instant';

/** The orders filter form as it travels in the URL (every field optional; empty means "any"). */
export interface OrderFormValues {
  readonly marketplace: string;
  readonly status: string;
  readonly updatedSince: string;
  readonly cursor: string;
}

export const ORDER_FORM_FIELDS = ['marketplace', 'status', 'updatedSince', 'cursor'] as const;

/** What GET /v1/orders accepts for the same filters. */
export const ORDER_MARKETPLACES = ['amazon', 'ebay'] as const;
export const ORDER_STATUSES = [
  'pending',
  'unshipped',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
] as const;

/** Orders per console page. */
export const ORDERS_PER_PAGE = 50;

/** The filters as OrdersService.list takes them (the same as GET /v1/orders). */
export interface OrderListQuery {
  readonly marketplace?: string;
  readonly status?: string;
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

export interface ParsedOrderForm {
  readonly values: OrderFormValues;
  readonly query: OrderListQuery;
  /** One line per field that could not be read; the page shows them and no orders. */
  readonly problems: string[];
}

/** Reads the form: empty fields are left out; anything else must be what GET /v1/orders takes for it. */
export function parseOrderForm(raw: Partial<Record<(typeof ORDER_FORM_FIELDS)[number], string>>): ParsedOrderForm {
  const v = Object.fromEntries(ORDER_FORM_FIELDS.map((f) => [f, (raw[f] ?? '').trim()])) as unknown as OrderFormValues;
  const problems: string[] = [];
  if (v.marketplace && !(ORDER_MARKETPLACES as readonly string[]).includes(v.marketplace))
    problems.push(`marketplace: one of ${ORDER_MARKETPLACES.join(', ')}`);
  if (v.status && !(ORDER_STATUSES as readonly string[]).includes(v.status))
    problems.push(`status: one of ${ORDER_STATUSES.join(', ')}`);
  const updatedSince = v.updatedSince ? parseInstant(v.updatedSince) : null;
  if (v.updatedSince && !updatedSince)
    problems.push('updated since: an ISO-8601 date or date-time (UTC unless a zone is given)');
  const query: OrderListQuery = {
    ...(v.marketplace ? { marketplace: v.marketplace } : {}),
    ...(v.status ? { status: v.status } : {}),
    ...(updatedSince ? { updatedSince } : {}),
    ...(v.cursor ? { cursor: v.cursor } : {}),
    limit: ORDERS_PER_PAGE,
  };
  return { values: v, query, problems };
}

/** The URL of the list with these values (and a cursor, for the next page), empty fields left out. */
export function ordersPageUrl(values: OrderFormValues, cursor?: string): string {
  const params = new URLSearchParams();
  for (const f of ORDER_FORM_FIELDS) {
    if (f !== 'cursor' && values[f]) params.set(f, values[f]);
  }
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `/console/orders?${query}` : '/console/orders';
}
