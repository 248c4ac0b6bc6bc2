import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LegalHolds1796415162898 implements MigrationInterface {
  name = 'LegalHolds1796415162898';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "legal_holds" ("tenant_id" uuid NOT NULL, "hold_id" uuid NOT NULL DEFAULT gen_random_uuid(), "order_ids" uuid array, "reason" text NOT NULL, "requester" text NOT NULL, "placed_by" text NOT NULL, "placed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "renewed_at" TIMESTAMP WITH TIME ZONE, "released_at" TIMESTAMP WITH TIME ZONE, "released_by" text, CONSTRAINT "PK_a36750fbdf8ef2bb013d0a07e00" PRIMARY KEY ("tenant_id", "hold_id"))`,
    );
    await q.query(
      `CREATE INDEX "legal_holds_tenant_idx" ON "legal_holds"  ("tenant_id", "expires_at") WHERE released_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."legal_holds_tenant_idx"`);
    await q.query(`DROP TABLE "legal_holds"`);
  }
}
