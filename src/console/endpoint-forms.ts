import { TenantPageQuery } from './tenant-page-query';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { STATUS_FILTERS } from '../delivery/dispatch/deliveries.service';
import type { DeliveryQuery } from '../delivery/dispatch/deliveries.service';
import { MAX_DESCRIPTION_LENGTH, MAX_RATE_LIMIT } from '../delivery/endpoints/endpoint-input';
import { MAX_OVERLAP_SECONDS } from '../delivery/endpoints/endpoint-secrets';
import {
  OPERATIONAL_EVENT_TYPES,
  ORDER_EVENT_TYPES,
  PING_EVENT_TYPE,
  SUBSCRIBABLE_EVENT_TYPES,
} from '../delivery/event-types';
import { MAX_URL_LENGTH } from '../delivery/outbound/target-guard';
import { PAYLOAD_MODES, type PayloadMode } from '../delivery/payload-modes';
import { parseInstant } from '../platform/validation/instant';
import { isUuid } from '../platform/validation/uuid';

/** Checkboxes: one ticked box arrives as a string, several as an array, none as nothing. */
const asList = ({ value }: { value: unknown }) => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
/** An empty text field is no value. */
const emptyAsUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The fields an endpoint's edit form sends (the same rules as PATCH /v1/endpoints/:id). */
export class EndpointEditForm {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  @Transform(asList)
  @IsArray()
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  eventTypes: string[] = [];

  @IsIn(PAYLOAD_MODES)
  payloadMode: PayloadMode;

  @Transform(({ value }: { value: unknown }) => (value === '' || value === undefined ? undefined : Number(value)))
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  rateLimitPerSecond?: number;

  @Transform(emptyAsUndefined)
  @IsOptional()
  @IsString()
  @Length(44, 44)
  sealingPublicKey?: string;
}

/** The create form: the edit form's fields and the receiver's URL. */
export class EndpointCreateForm extends EndpointEditForm {
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  url: string;
}

export class EndpointEnabledForm {
  @IsIn(['yes', 'no'])
  enabled: 'yes' | 'no';
}

export class RotateSecretForm {
  /** Hours the previous secret keeps signing (the API takes seconds; at most 7 days). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_SECONDS / 3600)
  overlapHours: number;
}

/** "Recover failed deliveries since": a preset, or an instant typed in. */
export class ReplayForm {
  @IsIn(['1h', '24h', '7d', 'at'])
  preset: '1h' | '24h' | '7d' | 'at';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  since?: string;
}

export class EndpointIdParam {
  @IsUUID()
  endpointId: string;
}

export class DeliveryIdParam {
  @IsUUID()
  deliveryId: string;
}

export class ReplayIdParam {
  @IsUUID()
  replayId: string;
}

const PRESET_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;

/** The instant a replay form names, or null when it names none. */
export function replaySince(form: ReplayForm, now: Date): Date | null {
  if (form.preset !== 'at') return new Date(now.getTime() - PRESET_MS[form.preset]);
  return form.since ? parseInstant(form.since) : null;
}

/** The deliveries filter as it travels in the URL (every field optional; empty means "any"). */
export class DeliveriesPageQuery extends TenantPageQuery {
  @IsOptional() @IsString() @MaxLength(32) status?: string;
  @IsOptional() @IsString() @MaxLength(64) eventType?: string;
  @IsOptional() @IsString() @MaxLength(64) orderId?: string;
  @IsOptional() @IsString() @MaxLength(8) period?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

export const DELIVERY_EVENT_TYPES: readonly string[] = [
  ...ORDER_EVENT_TYPES,
  ...OPERATIONAL_EVENT_TYPES,
  PING_EVENT_TYPE,
];
export const DELIVERY_PERIODS = ['1h', '24h', '7d'] as const;
export const DELIVERIES_PER_PAGE = 50;

export interface DeliveryFilterValues {
  readonly status: string;
  readonly eventType: string;
  readonly orderId: string;
  readonly period: string;
  readonly cursor: string;
}

/** Reads the filter: empty fields are left out; anything else must be what the deliveries API takes for it. */
export function parseDeliveryFilter(
  raw: DeliveriesPageQuery,
  now: Date,
): { values: DeliveryFilterValues; query: DeliveryQuery; problems: string[] } {
  const values: DeliveryFilterValues = {
    status: (raw.status ?? '').trim(),
    eventType: (raw.eventType ?? '').trim(),
    orderId: (raw.orderId ?? '').trim(),
    period: (raw.period ?? '').trim(),
    cursor: (raw.cursor ?? '').trim(),
  };
  const problems: string[] = [];
  if (values.status && !STATUS_FILTERS.includes(values.status))
    problems.push(`status: one of ${STATUS_FILTERS.join(', ')}`);
  if (values.eventType && !DELIVERY_EVENT_TYPES.includes(values.eventType))
    problems.push(`event type: one of ${DELIVERY_EVENT_TYPES.join(', ')}`);
  if (values.orderId && !isUuid(values.orderId)) problems.push('order id: an order id (uuid)');
  if (values.period && !(DELIVERY_PERIODS as readonly string[]).includes(values.period))
    problems.push(`period: one of ${DELIVERY_PERIODS.join(', ')}`);
  const query: DeliveryQuery = {
    limit: DELIVERIES_PER_PAGE,
    ...(values.status ? { status: values.status } : {}),
    ...(values.eventType ? { eventType: values.eventType } : {}),
    ...(values.orderId ? { orderId: values.orderId } : {}),
    ...(values.period && values.period in PRESET_MS
      ? { since: new Date(now.getTime() - PRESET_MS[values.period as keyof typeof PRESET_MS]) }
      : {}),
    ...(values.cursor ? { cursor: values.cursor } : {}),
  };
  return { values, query, problems };
}

/** The deliveries page's URL for these filters (and a cursor). */
export function deliveriesPageUrl(endpointId: string, v: Partial<DeliveryFilterValues>): string {
  const q = new URLSearchParams();
  for (const [k, value] of Object.entries(v)) if (value) q.set(k, value);
  const s = q.toString();
  return `/console/endpoints/${endpointId}/deliveries${s ? `?${s}` : ''}`;
}
