import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeysService } from '../../src/access/api-keys.service';
import type { StaffRole } from '../../src/auth';
import { StaffService } from '../../src/access/staff.service';
import type { AppConfig } from '../../src/config';
import { createHttpApp } from '../../src/http-app';
import { ManualClock } from '../../src/platform/clock/clock';
import { TenantsService } from '../../src/tenants/tenants.service';
import { captureLogs } from './log-capture';
import { TEST_ACTOR } from './test-actor';
import { testConfig } from './test-config';
import { createTestDatabase, type TestDatabase } from './test-database';

export type AuthHeader = { Authorization: string };

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly clock: ManualClock;
  readonly db: TestDatabase;
  readonly logs: ReturnType<typeof captureLogs>;
  /** supertest against the running HTTP server. */
  http(): ReturnType<typeof request>;
  /** Authorization header of an admin staff member created at start-up. */
  readonly admin: AuthHeader;
  readonly adminStaffId: string;
  /** A new staff member of the role; returns their id and auth header. */
  staff(role: StaffRole, name?: string): Promise<{ staffId: string; auth: AuthHeader }>;
  /** A new tenant (created directly through the service, as `ordervault tenant create` does). */
  tenant(name?: string): Promise<string>;
  /** A seller key of a tenant with the given scopes. */
  seller(tenantId: string, scopes: string[]): Promise<{ keyId: string; auth: AuthHeader }>;
  close(): Promise<void>;
}

const bearer = (key: string): AuthHeader => ({ Authorization: `Bearer ${key}` });

/** The real HTTP application on a fresh test database, with a manual clock and captured logs. */
export async function startTestApp(
  options: { env?: Record<string, string | undefined>; clock?: ManualClock } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = testConfig(options.env);
  const clock = options.clock ?? new ManualClock('2026-11-02T10:00:00Z');
  const logs = captureLogs();
  // A runtime role (DATABASE_APP_ROLE) applies to the per-file server database too; starting with
  // migrateOnStart makes the owner (re)grant it its privileges first, as the service does.
  const appRole = config.database.appRole;
  const database = db.target.kind === 'server' && appRole ? { ...db.target, appRole } : db.target;
  const app = await createHttpApp({ config, clock, logger: logs.logger, database, migrateOnStart: Boolean(appRole) });
  await app.init();
  const staffService = app.get(StaffService);
  const first = await staffService.create(TEST_ACTOR, 'Test Admin', 'admin');
  return {
    app,
    config,
    clock,
    db,
    logs,
    http: () => request(app.getHttpServer()),
    admin: bearer(first.key.key),
    adminStaffId: first.staff.staffId,
    staff: async (role, name = `Test ${role}`) => {
      const created = await staffService.create(TEST_ACTOR, name, role);
      return { staffId: created.staff.staffId, auth: bearer(created.key.key) };
    },
    tenant: async (name = 'Test Seller') => (await app.get(TenantsService).create(TEST_ACTOR, name)).tenantId,
    seller: async (tenantId, scopes) => {
      const key = await app.get(ApiKeysService).createSellerKey(TEST_ACTOR, tenantId, { label: 'test', scopes });
      return { keyId: key.keyId, auth: bearer(key.key) };
    },
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
