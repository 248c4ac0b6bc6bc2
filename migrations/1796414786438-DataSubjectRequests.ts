import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DataSubjectRequests1796414786438 implements MigrationInterface {
  name = 'DataSubjectRequests1796414786438';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "data_subject_requests" ("tenant_id" uuid NOT NULL, "request_id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" text NOT NULL, "subject_kind" text NOT NULL, "subject_marketplace" text, "status" text NOT NULL, "actor_kind" text NOT NULL, "actor_id" text NOT NULL, "actor_key_id" text, "reference" text, "order_ids" uuid array NOT NULL DEFAULT '{}', "counts" jsonb NOT NULL DEFAULT '{}', "corrected_fields" text array NOT NULL DEFAULT '{}', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, "export_expires_at" TIMESTAMP WITH TIME ZONE, "exported_at" TIMESTAMP WITH TIME ZONE, "failure" text, CONSTRAINT "PK_e95ab9d07247d45ed7d1a21f11d" PRIMARY KEY ("tenant_id", "request_id"))`,
    );
    await q.query(
      `CREATE INDEX "data_subject_requests_received_idx" ON "data_subject_requests"  ("tenant_id", "received_at") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."data_subject_requests_received_idx"`);
    await q.query(`DROP TABLE "data_subject_requests"`);
  }
}
