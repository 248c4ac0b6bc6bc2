import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Deliveries1796414314187 implements MigrationInterface {
  name = 'Deliveries1796414314187';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "deliveries" ("tenant_id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "order_id" uuid, "stream_id" uuid NOT NULL, "order_version" integer NOT NULL DEFAULT '0', "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempt_count" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "lease_token" uuid, "lease_owner" text, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error_class" text, "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f8ab7301e943342a708956b5a3b" PRIMARY KEY ("tenant_id", "delivery_id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "deliveries_event_uq" ON "deliveries"  ("tenant_id", "endpoint_id", "event_id") `,
    );
    await q.query(
      `CREATE INDEX "deliveries_endpoint_created_idx" ON "deliveries"  ("tenant_id", "endpoint_id", "created_at") `,
    );
    await q.query(
      `CREATE INDEX "deliveries_stream_idx" ON "deliveries"  ("tenant_id", "endpoint_id", "stream_id", "order_version") `,
    );
    await q.query(
      `CREATE INDEX "deliveries_due_idx" ON "deliveries"  ("next_attempt_at") WHERE status IN ('pending', 'failed_retrying')`,
    );
    await q.query(
      `CREATE TABLE "delivery_attempts" ("tenant_id" uuid NOT NULL, "attempt_id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "order_id" uuid, "attempt_number" integer NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status_code" integer, "latency_ms" integer NOT NULL, "result" text NOT NULL, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "response_ciphertext" bytea, "counted" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_edbb5967ba11b3e742eecf1129f" PRIMARY KEY ("tenant_id", "attempt_id"))`,
    );
    await q.query(
      `CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts"  ("tenant_id", "delivery_id", "attempted_at") `,
    );
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "signing_public_key" text`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "sealing_public_key" text`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "failing_since" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "failure_warnings" integer NOT NULL DEFAULT '0'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "failure_warnings"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "failing_since"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "sealing_public_key"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "signing_public_key"`);
    await q.query(`DROP INDEX "public"."delivery_attempts_delivery_idx"`);
    await q.query(`DROP TABLE "delivery_attempts"`);
    await q.query(`DROP INDEX "public"."deliveries_due_idx"`);
    await q.query(`DROP INDEX "public"."deliveries_stream_idx"`);
    await q.query(`DROP INDEX "public"."deliveries_endpoint_created_idx"`);
    await q.query(`DROP INDEX "public"."deliveries_event_uq"`);
    await q.query(`DROP TABLE "deliveries"`);
  }
}
