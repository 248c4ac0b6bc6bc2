import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/** swagger's own metadata key for a property's schema options (what `@ApiProperty` writes). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

interface ValidatorEntry {
  readonly name?: string;
  readonly type: string;
  readonly propertyName: string;
  readonly constraints?: unknown[];
  readonly each?: boolean;
}

type Schema = Record<string, unknown>;

const pattern = (r: unknown) => (r instanceof RegExp ? r.source : typeof r === 'string' ? r : undefined);

/** What one validator says about the value, as JSON Schema keywords (for `each` validators: about every item). */
function keywords(v: ValidatorEntry): Schema {
  const [a, b] = v.constraints ?? [];
  switch (v.name) {
    case 'isIn':
      return { enum: [...(a as unknown[])] };
    case 'isEnum':
      return { enum: Object.values(a as object) };
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'isPositive':
      return { exclusiveMinimum: 0 };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isString':
      return { type: 'string' };
    case 'isUUID':
      return { type: 'string', format: 'uuid' };
    case 'isInstant':
    case 'isISO8601':
    case 'isDateString':
      return { type: 'string', format: 'date-time' };
    case 'isUrl':
      return { type: 'string', format: 'uri' };
    case 'isEmail':
      return { type: 'string', format: 'email' };
    case 'isObject':
      return { type: 'object' };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'min':
      return { minimum: a };
    case 'max':
      return { maximum: a };
    case 'minLength':
      return { minLength: a };
    case 'maxLength':
      return { maxLength: a };
    case 'length':
      return { minLength: a, ...(b === undefined ? {} : { maxLength: b }) };
    case 'matches':
      return { type: 'string', pattern: pattern(a) };
    default:
      return {};
  }
}

function arrayKeywords(v: ValidatorEntry): Schema | null {
  const [a] = v.constraints ?? [];
  switch (v.name) {
    case 'isArray':
      return {};
    case 'arrayMaxSize':
      return { maxItems: a };
    case 'arrayMinSize':
      return { minItems: a };
    case 'arrayNotEmpty':
      return { minItems: 1 };
    case 'arrayUnique':
      return { uniqueItems: true };
    default:
      return null;
  }
}

/** The swagger options one property's validators amount to. */
function describe(entries: readonly ValidatorEntry[]): ApiPropertyOptions {
  let value: Schema = {};
  let items: Schema = {};
  let array: Schema | null = null;
  let optional = false;
  for (const v of entries) {
    if (v.type === 'conditionalValidation') optional = true;
    const arr = arrayKeywords(v);
    if (arr) array = { ...(array ?? {}), ...arr };
    else if (v.each) items = { ...items, ...keywords(v) };
    else value = { ...value, ...keywords(v) };
  }
  if (Object.keys(items).length) array ??= {};
  const required = !optional;
  if (array) {
    const { type = 'string', ...itemRest } = { ...value, ...items };
    return { required, isArray: true, type: type as string, ...itemRest, ...array } as ApiPropertyOptions;
  }
  return { required, ...value } as ApiPropertyOptions;
}

/**
 * Gives every validated DTO property the OpenAPI description its validators imply (type, enum, bounds, pattern,
 * required), so a route's documented parameters and bodies are the ones its validation pipe enforces. What a
 * property already says with `@ApiProperty` (a description, an example) stays and wins.
 * Run once before the document is built; repeated runs change nothing.
 */
export function documentValidatedProperties(): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, ValidatorEntry[]> };
  for (const [target, entries] of storage.validationMetadatas) {
    if (typeof target !== 'function' || !target.prototype) continue;
    const byProperty = new Map<string, ValidatorEntry[]>();
    for (const e of entries) {
      if (!e.propertyName) continue;
      byProperty.set(e.propertyName, [...(byProperty.get(e.propertyName) ?? []), e]);
    }
    for (const [property, own] of byProperty) {
      const existing = Reflect.getOwnMetadata(SWAGGER_PROPERTY, target.prototype, property) as
        ApiPropertyOptions | undefined;
      const derived = describe(own);
      ApiProperty({ ...derived, ...(existing ?? {}) } as ApiPropertyOptions)(target.prototype, property);
    }
  }
}
