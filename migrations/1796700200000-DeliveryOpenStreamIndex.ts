import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open deliveries per (endpoint, order stream) by version: the claim's FIFO check ("no earlier version of this
 * order is still open") becomes one index probe per candidate. Without it the planner, right after a burst of
 * fan-out (statistics not yet refreshed), checked each candidate against every open delivery of its endpoint:
 * 28,000 rows per claim of 80 in `bench deliver`, 6.3 ms of the claim's 8.8 ms.
 */
export class DeliveryOpenStreamIndex1796700200000 implements MigrationInterface {
  name = 'DeliveryOpenStreamIndex1796700200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "deliveries_open_stream_idx" ON "deliveries" ("tenant_id", "endpoint_id", "stream_id", "order_version") WHERE status IN ('pending', 'failed_retrying')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deliveries_open_stream_idx"`);
  }
}
