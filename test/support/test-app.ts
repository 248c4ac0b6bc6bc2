import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { AppConfig } from '../../src/config';
import { createHttpApp } from '../../src/http-app';
import { ManualClock } from '../../src/platform/clock/clock';
import { captureLogs } from './log-capture';
import { testConfig, TEST_ADMIN_KEY } from './test-config';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly clock: ManualClock;
  readonly db: TestDatabase;
  readonly logs: ReturnType<typeof captureLogs>;
  /** supertest against the running HTTP server. */
  http(): ReturnType<typeof request>;
  /** Authorization header of the bootstrap admin. */
  readonly admin: { Authorization: string };
  close(): Promise<void>;
}

/** The real HTTP application on a fresh test database, with a manual clock and captured logs. */
export async function startTestApp(
  options: { env?: Record<string, string | undefined>; clock?: ManualClock } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = testConfig(options.env);
  const clock = options.clock ?? new ManualClock('2026-11-02T10:00:00Z');
  const logs = captureLogs();
  const app = await createHttpApp({ config, clock, logger: logs.logger, database: db.target });
  await app.init();
  return {
    app,
    config,
    clock,
    db,
    logs,
    http: () => request(app.getHttpServer()),
    admin: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
