import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EbayAccountDeletion1796414300046 implements MigrationInterface {
  name = 'EbayAccountDeletion1796414300046';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "ebay_deletion_notifications" ("notification_id" text NOT NULL, "publish_attempt_count" integer NOT NULL, "event_date" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "tenants_erased" integer NOT NULL DEFAULT '0', "orders_erased" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_37c24a2132095f604d9bbfadde1" PRIMARY KEY ("notification_id"))`,
    );
    await q.query(
      `CREATE TABLE "ebay_deletion_targets" ("tenant_id" uuid NOT NULL, "notification_id" text NOT NULL, "buyer_index" bytea NOT NULL, "orders_erased" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_a1805669ddd21a90f0ddc74b7da" PRIMARY KEY ("tenant_id", "notification_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "ebay_deletion_targets"`);
    await q.query(`DROP TABLE "ebay_deletion_notifications"`);
  }
}
