import { randomBytes } from 'node:crypto';
import { loadConfig, type AppConfig } from '../../src/config';

/** A validated configuration for tests: same loader as production, test values. */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ORDERVAULT_MASTER_KEY: randomBytes(32).toString('base64'),
    SYNC_SCHEDULER_ENABLED: 'false',
    AMAZON_LWA_CLIENT_ID: 'amzn1.application-oa2-client.ordervaulttest',
    AMAZON_LWA_CLIENT_SECRET: 'amzn1.oa2-cs.v1.ordervault-test-secret',
    AMAZON_APP_ID: 'amzn1.sp.solution.ordervault-test',
    EBAY_CLIENT_ID: 'OrderVau-test-PRD-0123456789-abcdef01',
    EBAY_CLIENT_SECRET: 'PRD-0123456789ab-cdef-0123-4567-89ab',
    EBAY_RUNAME: 'OrderVault-OrderVau-test-PRD-abcdefghi',
    ...env,
  });
}
