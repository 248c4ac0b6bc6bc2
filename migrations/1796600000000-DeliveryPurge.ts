import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Finished deliveries by completion time, for their purge after the retention window. */
export class DeliveryPurge1796600000000 implements MigrationInterface {
  name = 'DeliveryPurge1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "deliveries_finished_idx" ON "deliveries" ("completed_at") WHERE status IN ('succeeded', 'given_up')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "deliveries_finished_idx"`);
  }
}
