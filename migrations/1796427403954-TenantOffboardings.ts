import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TenantOffboardings1796427403954 implements MigrationInterface {
  name = 'TenantOffboardings1796427403954';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tenant_offboardings" ("tenant_id" uuid NOT NULL, "requested_by" text NOT NULL, "reason" text NOT NULL, "ticket_ref" text, "started_by" text NOT NULL, "step" text NOT NULL, "overridden_holds" jsonb NOT NULL, "deleted_rows" jsonb NOT NULL, "revoked_rows" jsonb NOT NULL, "destroyed_keys" jsonb NOT NULL, "exported_orders" integer, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "certificate" jsonb, CONSTRAINT "PK_86d24bf182062ffe95dd6ff31e3" PRIMARY KEY ("tenant_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenant_offboardings"`);
  }
}
