import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PiiOverrides1796416336653 implements MigrationInterface {
  name = 'PiiOverrides1796416336653';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "orders" ADD "pii_overrides" text array NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "orders" DROP COLUMN "pii_overrides"`);
  }
}
