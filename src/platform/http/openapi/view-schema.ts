import { z } from 'zod';

/** True when A and B are assignable both ways (the schema and the view describe the same values). */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A view's JSON Schema, named in the OpenAPI document's components, checked by the compiler against the view's
 * TypeScript type: `viewSchema<MaskedOrderView>()('MaskedOrderView', z.object({...}))` does not compile when the
 * schema and the view disagree, so the document cannot drift from what the mapper returns.
 */
export function viewSchema<View>() {
  return <S extends z.ZodType>(
    id: string,
    schema: S & (SameShape<z.output<S>, View> extends true ? unknown : { 'schema and view differ': z.output<S> }),
  ): S => schema.meta({ id }) as S;
}

/** An instant as the API writes it (`Date#toISOString()`). */
export const instant = () => z.iso.datetime();

/** A nullable instant. */
export const instantOrNull = () => z.iso.datetime().nullable();
