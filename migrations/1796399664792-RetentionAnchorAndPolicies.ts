import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RetentionAnchorAndPolicies1796399664792 implements MigrationInterface {
  name = 'RetentionAnchorAndPolicies1796399664792';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "retention_policies" ("tenant_id" uuid NOT NULL, "marketplace" text NOT NULL, "pii_window_days" integer NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_11244a1021d52a42de3b3648388" PRIMARY KEY ("tenant_id", "marketplace"))`,
    );
    await q.query(`ALTER TABLE "orders" ADD "retention_anchor_at" TIMESTAMP WITH TIME ZONE`);
    // Orders stored before the anchor existed get it from what the row holds (the rule of
    // orders/retention-anchor.ts). Where the first sighting is unknown the earlier instant is
    // taken (the row's creation), so no stored order gets more time than the rule gives.
    await q.query(
      `UPDATE "orders" SET "retention_anchor_at" = CASE
         WHEN "status" = 'delivered' THEN COALESCE("delivered_at", "updated_at")
         WHEN "status" = 'cancelled' THEN COALESCE("cancelled_at", "updated_at")
         WHEN "status" = 'shipped' AND "latest_delivery_at" IS NOT NULL THEN "latest_delivery_at"
         WHEN "status" = 'shipped' THEN COALESCE("shipped_at", "created_at") + interval '14 days'
         ELSE "purchased_at" + interval '60 days' END`,
    );
    await q.query(`ALTER TABLE "orders" ALTER COLUMN "retention_anchor_at" SET NOT NULL`);
    await q.query(
      `CREATE INDEX "orders_pii_anchor_idx" ON "orders"  ("tenant_id", "marketplace", "retention_anchor_at") WHERE pii_state = 'present'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."orders_pii_anchor_idx"`);
    await q.query(`ALTER TABLE "orders" DROP COLUMN "retention_anchor_at"`);
    await q.query(`DROP TABLE "retention_policies"`);
  }
}
