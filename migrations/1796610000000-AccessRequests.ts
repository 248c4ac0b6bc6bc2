import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff members' requests for access to a tenant's buyer data; grants that allow masked orders only. */
export class AccessRequests1796610000000 implements MigrationInterface {
  name = 'AccessRequests1796610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "access_requests" ("request_id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "requested_by" uuid NOT NULL, "access" text NOT NULL, "order_ids" uuid array, "duration_hours" integer NOT NULL, "reason" text NOT NULL, "ticket_ref" text NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE, "decided_by" text, "decision_reason" text, "grant_id" uuid, "approved_access" text, "approved_order_ids" uuid array, "approved_hours" integer, CONSTRAINT "PK_fa004154bb9b6d612a2a37c4750" PRIMARY KEY ("request_id"))`,
    );
    await q.query(`CREATE INDEX "access_requests_requester_idx" ON "access_requests"  ("requested_by", "created_at") `);
    await q.query(
      `CREATE INDEX "access_requests_tenant_idx" ON "access_requests"  ("tenant_id", "status", "created_at") `,
    );
    await q.query(`ALTER TABLE "support_grants" ADD "reveal_allowed" boolean NOT NULL DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "support_grants" DROP COLUMN "reveal_allowed"`);
    await q.query(`DROP INDEX "public"."access_requests_tenant_idx"`);
    await q.query(`DROP INDEX "public"."access_requests_requester_idx"`);
    await q.query(`DROP TABLE "access_requests"`);
  }
}
