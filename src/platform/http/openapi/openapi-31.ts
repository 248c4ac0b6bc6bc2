type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rewrites one OpenAPI 3.0 schema (as @nestjs/swagger emits it) into OpenAPI 3.1's JSON Schema 2020-12, in place:
 * `nullable: true` becomes a `null` type (or a `null` alternative beside a `$ref` / composition, and `null` in an
 * enum), `example` becomes `examples`, boolean exclusive bounds become numeric ones.
 */
function schema31(s: Json): void {
  if (s.nullable === true) {
    delete s.nullable;
    if (typeof s.type === 'string') s.type = [s.type, 'null'];
    else if (Array.isArray(s.type)) s.type = [...new Set([...(s.type as string[]), 'null'])];
    else {
      const inner = { ...s };
      for (const k of Object.keys(s)) if (k !== 'description') delete s[k];
      s.anyOf = [inner, { type: 'null' }];
    }
    if (Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  } else if ('nullable' in s) delete s.nullable;
  if ('example' in s) {
    if (!('examples' in s)) s.examples = [s.example];
    delete s.example;
  }
  if (s.exclusiveMinimum === true) s.exclusiveMinimum = s.minimum;
  if (s.exclusiveMaximum === true) s.exclusiveMaximum = s.maximum;
  if (s.exclusiveMinimum === true || s.exclusiveMinimum === false) delete s.exclusiveMinimum;
  if (s.exclusiveMaximum === true || s.exclusiveMaximum === false) delete s.exclusiveMaximum;
  if (typeof s.exclusiveMinimum === 'number' && s.minimum === s.exclusiveMinimum) delete s.minimum;
  if (typeof s.exclusiveMaximum === 'number' && s.maximum === s.exclusiveMaximum) delete s.maximum;
  // 3.1 describes a file body by its media type, not `format: binary`.
  if (s.type === 'string' && s.format === 'binary') delete s.format;
  for (const key of ['items', 'not', 'additionalProperties', 'contains', 'if', 'then', 'else']) {
    if (isObject(s[key])) schema31(s[key]);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    if (Array.isArray(s[key])) (s[key] as unknown[]).filter(isObject).forEach(schema31);
  }
  for (const key of ['properties', 'patternProperties', '$defs']) {
    if (isObject(s[key])) Object.values(s[key]).filter(isObject).forEach(schema31);
  }
}

/** Every schema in a document: components, parameters, request bodies, responses, headers. */
function eachSchema(doc: Json, visit: (s: Json) => void): void {
  const components = (doc.components ?? {}) as Json;
  Object.values((components.schemas ?? {}) as Json)
    .filter(isObject)
    .forEach(visit);
  const content = (c: unknown) =>
    isObject(c) &&
    Object.values(c)
      .filter(isObject)
      .forEach((m) => isObject(m.schema) && visit(m.schema));
  for (const item of Object.values((doc.paths ?? {}) as Json).filter(isObject)) {
    for (const op of Object.values(item).filter(isObject)) {
      for (const p of (Array.isArray(op.parameters) ? op.parameters : []).filter(isObject)) {
        if (isObject(p.schema)) visit(p.schema);
        if ('example' in p && !('examples' in p) && isObject(p.schema)) {
          p.schema.examples = [p.example];
          delete p.example;
        }
      }
      if (isObject(op.requestBody)) content(op.requestBody.content);
      for (const r of Object.values((op.responses ?? {}) as Json).filter(isObject)) {
        content(r.content);
        if (isObject(r.headers))
          Object.values(r.headers)
            .filter(isObject)
            .forEach((h) => isObject(h.schema) && visit(h.schema));
      }
    }
  }
}

/** The document as OpenAPI 3.1.0: version, and every schema in JSON Schema 2020-12 form. */
export function toOpenApi31<D extends object>(doc: D): D {
  const d = doc as unknown as Json;
  d.openapi = '3.1.0';
  eachSchema(d, schema31);
  return doc;
}
