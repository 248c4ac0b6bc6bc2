import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrderRecordExpiry1796416507009 implements MigrationInterface {
  name = 'OrderRecordExpiry1796416507009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "retention_policies" ADD "order_record_months" integer`);
    await q.query(`ALTER TABLE "retention_policies" ADD "order_record_basis" text`);
    await q.query(`ALTER TABLE "retention_policies" ALTER COLUMN "pii_window_days" DROP NOT NULL`);
    await q.query(`CREATE INDEX "orders_purchased_idx" ON "orders"  ("tenant_id", "marketplace", "purchased_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."orders_purchased_idx"`);
    await q.query(`ALTER TABLE "retention_policies" ALTER COLUMN "pii_window_days" SET NOT NULL`);
    await q.query(`ALTER TABLE "retention_policies" DROP COLUMN "order_record_basis"`);
    await q.query(`ALTER TABLE "retention_policies" DROP COLUMN "order_record_months"`);
  }
}
