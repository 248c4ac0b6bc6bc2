import type { DataSource } from 'typeorm';

/**
 * Every row of every table as JSON text (bytea as hex): what `pg_dump --data-only`
 * would hold, without needing the pg_dump binary.
 */
export async function dumpAllRows(ds: DataSource): Promise<{ text: string; rows: number; tables: number }> {
  const tables: Array<{ table_name: string }> = await ds.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows: Array<{ j: string }> = await ds.query(`SELECT row_to_json(t)::text AS j FROM "${table_name}" t`);
    parts.push(`-- ${table_name}`, ...rows.map((r) => r.j));
  }
  return { text: parts.join('\n'), rows: parts.length - tables.length, tables: tables.length };
}
