/**
 * Builds the `VALUES (...), (...)` part of a multi-row statement with typed
 * placeholders, so a whole page of rows goes to PostgreSQL in one round trip.
 */
export function bulkValues(
  rows: ReadonlyArray<readonly unknown[]>,
  types: readonly string[],
  firstParam = 1,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let n = firstParam;
  const tuples = rows.map((row) => {
    if (row.length !== types.length)
      throw new Error(`bulkValues: row has ${row.length} values, expected ${types.length}`);
    const cells = row.map((value, i) => {
      params.push(value);
      return `$${n++}::${types[i]}`;
    });
    return `(${cells.join(',')})`;
  });
  return { sql: tuples.join(','), params };
}
