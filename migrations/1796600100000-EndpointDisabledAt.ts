import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an endpoint was disabled: what it missed is counted from here when it is enabled again. */
export class EndpointDisabledAt1796600100000 implements MigrationInterface {
  name = 'EndpointDisabledAt1796600100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
    // Endpoints already disabled count from their last change.
    await q.query(`UPDATE "webhook_endpoints" SET "disabled_at" = "updated_at" WHERE NOT "enabled"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "disabled_at"`);
  }
}
