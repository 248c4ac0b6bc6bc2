import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TenantsService } from '../../src/tenants/tenants.service';
import { startTestApp } from '../support/test-app';
import { createTestDataSource, usingServer } from '../support/test-database';
import { TEST_ACTOR } from '../support/test-actor';

const ROLE = 'ordervault_app';

/** Makes sure the runtime role exists on the server (CI creates it; a superuser may create it here). */
async function ensureRole(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const exists = (await c.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [ROLE])).rowCount === 1;
    if (!exists) await c.query(`CREATE ROLE ${ROLE} NOLOGIN`);
    await c.query(`GRANT ${ROLE} TO CURRENT_USER`).catch(() => undefined);
    return true;
  } catch {
    return false;
  } finally {
    await c.end();
  }
}

describe('the runtime database role may not rewrite the access log', () => {
  it('grants the runtime role SELECT and INSERT on the access log only', async () => {
    const { dataSource, close } = await createTestDataSource();
    try {
      // Embedded PostgreSQL has roles too; on a server the role is cluster-wide.
      await dataSource.query(
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} NOLOGIN; END IF; END $$`,
      );
      await dataSource.query(`SELECT ordervault_grant_app_role($1)`, [ROLE]);
      const privileges: Array<{ table_name: string; privilege_type: string }> = await dataSource.query(
        `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = $1 AND table_name IN ('audit_entries', 'audit_checkpoints', 'orders') ORDER BY 1, 2`,
        [ROLE],
      );
      const of = (t: string) => privileges.filter((p) => p.table_name === t).map((p) => p.privilege_type);
      expect(of('audit_entries')).toEqual(['INSERT', 'SELECT']);
      expect(of('audit_checkpoints')).toEqual(['INSERT', 'SELECT']);
      expect(of('orders')).toEqual(['DELETE', 'INSERT', 'SELECT', 'UPDATE']);
    } finally {
      await close();
    }
  });

  it('runs the service as the runtime role: it works, and cannot update, delete or unprotect entries', async () => {
    // Server: the real configuration (DATABASE_APP_ROLE sets the role at connection start).
    // Embedded: one session, so the same role is taken with SET ROLE after the owner grants it.
    const server = usingServer();
    if (server) expect(await ensureRole(process.env.DATABASE_URL!)).toBe(true);
    const t = await startTestApp({ env: server ? { DATABASE_APP_ROLE: ROLE } : {} });
    const ds = t.app.get(DataSource);
    try {
      if (!server) {
        await ds.query(
          `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} NOLOGIN; END IF; END $$`,
        );
        await ds.query(`SELECT ordervault_grant_app_role($1)`, [ROLE]);
        await ds.query(`SET ROLE ${ROLE}`);
      }
      const [{ current_user }] = await ds.query('SELECT current_user');
      expect(current_user).toBe(ROLE);
      const tenant = await t.app.get(TenantsService).create(TEST_ACTOR, 'Role Check');
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_entries WHERE tenant_id = $1`, [
        tenant.tenantId,
      ]);
      expect(n).toBe(1);
      await expect(ds.query(`UPDATE audit_entries SET reason = 'x'`)).rejects.toMatchObject({
        driverError: { code: '42501' },
      });
      await expect(ds.query(`DELETE FROM audit_entries`)).rejects.toMatchObject({ driverError: { code: '42501' } });
      await expect(ds.query(`ALTER TABLE audit_entries DISABLE TRIGGER ALL`)).rejects.toMatchObject({
        driverError: { code: '42501' },
      });
    } finally {
      if (!server) await ds.query('RESET ROLE');
      await t.close();
    }
  });
});
