import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryFacts1796419433245 implements MigrationInterface {
  name = 'DeliveryFacts1796419433245';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" ADD "facts" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" DROP COLUMN "facts"`);
  }
}
