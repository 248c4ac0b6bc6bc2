import { InitialSchema1795613687456 } from './1795613687456-InitialSchema';

/** Migrations in the order they apply. New files are appended here. */
export const MIGRATIONS: Function[] = [InitialSchema1795613687456];
