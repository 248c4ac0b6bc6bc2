import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DsrHeldOrders1796427569952 implements MigrationInterface {
  name = 'DsrHeldOrders1796427569952';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "data_subject_requests" ADD "held_order_ids" uuid array NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "data_subject_requests" DROP COLUMN "held_order_ids"`);
  }
}
