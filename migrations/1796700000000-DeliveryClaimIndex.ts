import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open deliveries per endpoint by due time (the claim's loose index scan and per-endpoint range scan), and
 * leased deliveries per endpoint (the claim's in-flight count, which scanned every open delivery before).
 */
export class DeliveryClaimIndex1796700000000 implements MigrationInterface {
  name = 'DeliveryClaimIndex1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "deliveries_open_endpoint_idx" ON "deliveries" ("tenant_id", "endpoint_id", "next_attempt_at") WHERE status IN ('pending', 'failed_retrying')`,
    );
    await q.query(`CREATE INDEX "deliveries_leased_idx" ON "deliveries" ("endpoint_id") WHERE lease_token IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deliveries_leased_idx"`);
    await q.query(`DROP INDEX "deliveries_open_endpoint_idx"`);
  }
}
