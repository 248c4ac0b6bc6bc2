import type { PGlite } from '@electric-sql/pglite';

/**
 * Where the database lives. Production uses a PostgreSQL server; the demo and a
 * fresh-machine test run use embedded PGlite (same SQL, same migrations, same
 * `pg` driver through PGlite's node-postgres adapter).
 */
export type DatabaseTarget =
  | { readonly kind: 'server'; readonly url: string; readonly poolSize: number; readonly appRole?: string }
  | { readonly kind: 'embedded'; readonly dataDir: string }
  /** An already-open PGlite instance (tests load one from a migrated template). */
  | { readonly kind: 'embedded-instance'; readonly pglite: PGlite };

export const isEmbedded = (t: DatabaseTarget) => t.kind !== 'server';
