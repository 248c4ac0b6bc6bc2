import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeadLetterOperations1796500000000 implements MigrationInterface {
  name = 'DeadLetterOperations1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dead_letters" ADD "resolved_by" text`);
    await q.query(`ALTER TABLE "dead_letters" ADD "resolution_note" text`);
    await q.query(`ALTER TABLE "dead_letters" ADD "replay_requested_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dead_letters" DROP COLUMN "replay_requested_at"`);
    await q.query(`ALTER TABLE "dead_letters" DROP COLUMN "resolution_note"`);
    await q.query(`ALTER TABLE "dead_letters" DROP COLUMN "resolved_by"`);
  }
}
