import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EndpointDeliveryState1796500100000 implements MigrationInterface {
  name = 'EndpointDeliveryState1796500100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "rate_next_send_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "disabled_at"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "rate_next_send_at"`);
  }
}
