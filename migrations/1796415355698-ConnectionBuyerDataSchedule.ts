import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConnectionBuyerDataSchedule1796415355698 implements MigrationInterface {
  name = 'ConnectionBuyerDataSchedule1796415355698';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "marketplace_connections" ADD "buyer_data_due_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "marketplace_connections" ADD "buyer_data_destroyed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `CREATE INDEX "marketplace_connections_buyer_data_due_idx" ON "marketplace_connections"  ("tenant_id", "buyer_data_due_at") WHERE "buyer_data_due_at" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "orders_pii_connection_idx" ON "orders"  ("tenant_id", "connection_id") WHERE pii_state = 'present'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."orders_pii_connection_idx"`);
    await q.query(`DROP INDEX "public"."marketplace_connections_buyer_data_due_idx"`);
    await q.query(`ALTER TABLE "marketplace_connections" DROP COLUMN "buyer_data_destroyed_at"`);
    await q.query(`ALTER TABLE "marketplace_connections" DROP COLUMN "buyer_data_due_at"`);
  }
}
