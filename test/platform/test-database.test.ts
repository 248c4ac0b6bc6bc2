import { createTestDataSource, usingServer } from '../support/test-database';

describe('per-file test database', () => {
  it('is migrated and isolated from other files', async () => {
    const { dataSource, close } = await createTestDataSource();
    try {
      const tables = await dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual(
        expect.arrayContaining(['orders', 'data_keys', 'tenant_keys', 'outbox_events', 'schema_migrations']),
      );
      const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM orders');
      expect(n).toBe(0);
      if (usingServer()) {
        const [{ db }] = await dataSource.query('SELECT current_database() AS db');
        expect(db).toMatch(/^ovt_/);
      }
    } finally {
      await close();
    }
  });
});
