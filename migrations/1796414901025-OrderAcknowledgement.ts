import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrderAcknowledgement1796414901025 implements MigrationInterface {
  name = 'OrderAcknowledgement1796414901025';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "orders" ADD "acknowledged_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "orders" ADD "acknowledged_by_key_id" text`);
    await q.query(`ALTER TABLE "orders" ADD "acknowledged_version" integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "orders" DROP COLUMN "acknowledged_version"`);
    await q.query(`ALTER TABLE "orders" DROP COLUMN "acknowledged_by_key_id"`);
    await q.query(`ALTER TABLE "orders" DROP COLUMN "acknowledged_at"`);
  }
}
