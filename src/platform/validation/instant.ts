import { registerDecorator, type ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';

/** The instants the API accepts: 1970-01-01 up to the end of 9999, the range PostgreSQL and ISO-8601 agree on. */
export const MIN_INSTANT_MS = Date.UTC(1970, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * Parses an ISO-8601 date or date-time strictly: every field in its calendar
 * range (no month 13, no 31 February, no hour 25), the instant between 1970
 * and 9999. Returns null for anything else; never an Invalid Date.
 */
export function parseInstant(text: string): Date | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? 0 : +v));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    if (zh > 23 || zm > 59) return null;
  }
  const ms = Date.parse(
    m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : text.replace(' ', 'T') + (zone ? '' : 'Z'),
  );
  if (Number.isNaN(ms) || ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) return null;
  return new Date(ms);
}

/** An instant already in hand (a Date) within the accepted range. */
export const isInstantInRange = (d: Date): boolean =>
  !Number.isNaN(d.getTime()) && d.getTime() >= MIN_INSTANT_MS && d.getTime() <= MAX_INSTANT_MS;

const INVALID = Symbol('invalid instant');

/**
 * A DTO field holding an instant: parsed strictly with `parseInstant` and
 * refused with a message naming the field and the accepted form.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    Transform(({ value }) =>
      value instanceof Date ? value : typeof value === 'string' ? (parseInstant(value) ?? INVALID) : INVALID,
    )(target, property);
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: property as string,
      options: {
        message: `${String(property)} must be an ISO-8601 date-time between 1970-01-01 and 9999-12-31`,
        ...options,
      },
      validator: { validate: (value: unknown) => value instanceof Date && isInstantInRange(value) },
    });
  };
}
