import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PiiDestruction1796400647000 implements MigrationInterface {
  name = 'PiiDestruction1796400647000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "orders" ADD "pii_destroyed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `CREATE INDEX "dead_letters_order_idx" ON "dead_letters"  ("tenant_id", "marketplace", "marketplace_order_id") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."dead_letters_order_idx"`);
    await q.query(`ALTER TABLE "orders" DROP COLUMN "pii_destroyed_at"`);
  }
}
