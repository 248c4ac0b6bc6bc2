/**
 * The few JSON Schema (2020-12) building blocks the event catalog is written in. Every
 * object schema is closed (`additionalProperties: false`): a field we add is a new
 * schema, never a silent surprise for a receiver validating strictly.
 */
export type JsonSchema = Record<string, unknown>;

export const string = (description?: string): JsonSchema => ({
  type: 'string',
  ...(description ? { description } : {}),
});
export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const integer = (minimum = 0): JsonSchema => ({ type: 'integer', minimum });
export const constant = (value: unknown): JsonSchema => ({ const: value });
export const oneOfValues = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** The same schema, also admitting null. */
export function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type === 'string') return { ...schema, type: [schema.type, 'null'] };
  return { oneOf: [schema, { type: 'null' }] };
}

/** A closed object: every listed property required (nullable ones say so in their schema). */
export function object(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}
