import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookEndpoints1796400567326 implements MigrationInterface {
  name = 'WebhookEndpoints1796400567326';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "webhook_endpoints" ("tenant_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "url" text NOT NULL, "description" text NOT NULL DEFAULT '', "event_types" text array NOT NULL DEFAULT '{}', "payload_mode" text NOT NULL DEFAULT 'thin', "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "rate_limit_per_second" integer, "secrets_ciphertext" bytea, "headers_ciphertext" bytea, "header_names" text array NOT NULL DEFAULT '{}', "previous_secrets_expire_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4832dc36629bb86c867a87bdac1" PRIMARY KEY ("tenant_id", "endpoint_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_endpoints"`);
  }
}
