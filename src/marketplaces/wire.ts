/**
 * Small strict readers for marketplace JSON. They throw WireError naming the
 * field and the problem, never the value (values may be buyer data).
 */
export class WireError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'WireError';
  }
}

export type Json = Record<string, unknown>;

export function obj(value: unknown, field: string): Json {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new WireError(field, 'expected an object');
  return value as Json;
}

export function optObj(value: unknown, field: string): Json | null {
  return value === undefined || value === null ? null : obj(value, field);
}

export function arr(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new WireError(field, 'expected an array');
  return value;
}

export function optArr(value: unknown, field: string): unknown[] {
  return value === undefined || value === null ? [] : arr(value, field);
}

export function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new WireError(field, 'expected a non-empty string');
  return value;
}

/** Optional text; empty strings (Amazon sends "" for absent address lines) become null. */
export function optStr(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new WireError(field, 'expected a string');
  return value;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

export function instant(value: unknown, field: string): Date {
  const s = str(value, field);
  const d = new Date(s);
  if (!ISO_INSTANT.test(s) || Number.isNaN(d.getTime())) throw new WireError(field, 'expected an ISO-8601 instant');
  return d;
}

export function optInstant(value: unknown, field: string): Date | null {
  return value === undefined || value === null || value === '' ? null : instant(value, field);
}

const DECIMAL = /^-?\d{1,14}(\.\d{1,8})?$/;

/** Money amounts arrive as decimal strings on both marketplaces; a number is a wire error. */
export function decimal(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new WireError(field, 'expected a decimal string');
  const s = value.trim();
  if (!DECIMAL.test(s)) throw new WireError(field, 'expected a decimal string');
  return s;
}

export function int(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new WireError(field, `expected an integer >= ${min}`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new WireError(field, 'unknown value');
  }
  return value as T;
}

export function currency(value: unknown, field: string): string {
  const s = str(value, field);
  if (!/^[A-Z]{3}$/.test(s)) throw new WireError(field, 'expected an ISO-4217 code');
  return s;
}

export function country(value: unknown, field: string): string | null {
  const s = optStr(value, field);
  if (s === null) return null;
  if (!/^[A-Z]{2}$/.test(s)) throw new WireError(field, 'expected an ISO-3166 alpha-2 code');
  return s;
}
