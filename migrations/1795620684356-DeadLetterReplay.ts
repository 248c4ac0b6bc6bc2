import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeadLetterReplay1795620684356 implements MigrationInterface {
  name = 'DeadLetterReplay1795620684356';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dead_letters" ADD "resolution" text`);
    await q.query(`ALTER TABLE "dead_letters" ADD "gave_up_at" TIMESTAMP WITH TIME ZONE`);
    // Until now a page that read the order fine was the only way a letter got resolved.
    await q.query(`UPDATE "dead_letters" SET "resolution" = 'ingested' WHERE "resolved_at" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "dead_letters" DROP COLUMN "gave_up_at"`);
    await q.query(`ALTER TABLE "dead_letters" DROP COLUMN "resolution"`);
  }
}
