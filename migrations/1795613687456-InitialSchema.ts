import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795613687456 implements MigrationInterface {
  name = 'InitialSchema1795613687456';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "marketplace_connections" ("tenant_id" uuid NOT NULL, "connection_id" uuid NOT NULL DEFAULT gen_random_uuid(), "marketplace" text NOT NULL, "region" text NOT NULL, "account_id" text NOT NULL, "marketplace_ids" text array NOT NULL DEFAULT '{}', "display_name" text NOT NULL, "credentials_ciphertext" bytea NOT NULL, "status" text NOT NULL DEFAULT 'active', "status_reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a864f219f7effa23e8d8c9ae906" PRIMARY KEY ("tenant_id", "connection_id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "marketplace_connections_account_uq" ON "marketplace_connections"  ("tenant_id", "marketplace", "region", "account_id") `,
    );
    await q.query(
      `CREATE TABLE "data_keys" ("tenant_id" uuid NOT NULL, "subject_id" uuid NOT NULL, "purpose" text NOT NULL, "tenant_key_version" integer NOT NULL, "wrapped_key" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d546792868e20f47e5ad25db852" PRIMARY KEY ("tenant_id", "subject_id"))`,
    );
    await q.query(`CREATE INDEX "data_keys_tenant_version_idx" ON "data_keys"  ("tenant_id", "tenant_key_version") `);
    await q.query(
      `CREATE TABLE "tenant_index_keys" ("tenant_id" uuid NOT NULL, "wrapped_key" bytea NOT NULL, "master_key_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7505a680997875f49ebc571980a" PRIMARY KEY ("tenant_id"))`,
    );
    await q.query(
      `CREATE TABLE "tenant_keys" ("tenant_id" uuid NOT NULL, "version" integer NOT NULL, "wrapped_key" bytea NOT NULL, "master_key_id" text NOT NULL, "state" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e5fb7406a8620b6b877a7ec9c50" PRIMARY KEY ("tenant_id", "version"))`,
    );
    await q.query(
      `CREATE TABLE "orders" ("tenant_id" uuid NOT NULL, "order_id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection_id" uuid NOT NULL, "marketplace" text NOT NULL, "marketplace_order_id" text NOT NULL, "sales_channel" text, "status" text NOT NULL, "raw_status" text NOT NULL, "purchased_at" TIMESTAMP WITH TIME ZONE NOT NULL, "marketplace_updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "shipped_at" TIMESTAMP WITH TIME ZONE, "delivered_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "latest_delivery_at" TIMESTAMP WITH TIME ZONE, "fulfilment_channel" text NOT NULL, "currency" character(3), "total_amount" numeric(18,4), "line_items" jsonb NOT NULL, "ship_to_country" character(2), "pii_state" text NOT NULL, "pii_ciphertext" bytea, "content_hash" bytea NOT NULL, "email_index" bytea, "buyer_index" bytea, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c544d9761666655087920828a72" PRIMARY KEY ("tenant_id", "order_id"))`,
    );
    await q.query(`CREATE INDEX "orders_buyer_index_idx" ON "orders"  ("tenant_id", "buyer_index") `);
    await q.query(`CREATE INDEX "orders_email_index_idx" ON "orders"  ("tenant_id", "email_index") `);
    await q.query(`CREATE INDEX "orders_tenant_updated_idx" ON "orders"  ("tenant_id", "updated_at") `);
    await q.query(
      `CREATE UNIQUE INDEX "orders_marketplace_uq" ON "orders"  ("tenant_id", "marketplace", "marketplace_order_id") `,
    );
    await q.query(
      `CREATE TABLE "outbox_events" ("tenant_id" uuid NOT NULL, "event_id" uuid NOT NULL DEFAULT gen_random_uuid(), "seq" BIGSERIAL NOT NULL, "order_id" uuid NOT NULL, "type" text NOT NULL, "order_version" integer NOT NULL, "payload" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "dispatched_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_75b216c5632a7c683ac93c24016" PRIMARY KEY ("tenant_id", "event_id"))`,
    );
    await q.query(`CREATE INDEX "outbox_events_order_idx" ON "outbox_events"  ("tenant_id", "order_id") `);
    await q.query(
      `CREATE INDEX "outbox_events_pending_idx" ON "outbox_events"  ("tenant_id", "seq") WHERE dispatched_at IS NULL`,
    );
    await q.query(
      `CREATE TABLE "jobs" ("job_id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid, "queue" text NOT NULL, "dedupe_key" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}', "run_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "lease_owner" text, "lease_token" uuid, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75f2e130e4b1372fea0b6248a17" PRIMARY KEY ("job_id"))`,
    );
    await q.query(`CREATE INDEX "jobs_claim_idx" ON "jobs"  ("queue", "run_at") `);
    await q.query(`CREATE UNIQUE INDEX "jobs_dedupe_uq" ON "jobs"  ("queue", "dedupe_key") `);
    await q.query(
      `CREATE TABLE "dead_letters" ("tenant_id" uuid NOT NULL, "dead_letter_id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection_id" uuid NOT NULL, "marketplace" text NOT NULL, "marketplace_order_id" text NOT NULL, "reason_code" text NOT NULL, "reason_detail" text NOT NULL, "payload_ciphertext" bytea, "attempts" integer NOT NULL DEFAULT '1', "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5e75393c648e0e61050bc344f04" PRIMARY KEY ("tenant_id", "dead_letter_id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "dead_letters_open_uq" ON "dead_letters"  ("tenant_id", "connection_id", "marketplace_order_id") WHERE resolved_at IS NULL`,
    );
    await q.query(
      `CREATE TABLE "rate_budgets" ("tenant_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "operation" text NOT NULL, "tokens" double precision NOT NULL, "rate" double precision NOT NULL, "burst" double precision NOT NULL, "refilled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3c7d6d72474f0876858fae48036" PRIMARY KEY ("tenant_id", "connection_id", "operation"))`,
    );
    await q.query(
      `CREATE TABLE "sync_states" ("tenant_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "cursor" TIMESTAMP WITH TIME ZONE, "window_from" TIMESTAMP WITH TIME ZONE, "window_to" TIMESTAMP WITH TIME ZONE, "page_position" text, "pages_in_window" integer NOT NULL DEFAULT '0', "last_success_at" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_error_code" text, "consecutive_failures" integer NOT NULL DEFAULT '0', "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL, "orders_ingested" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_11cca36f1c3021424989916390b" PRIMARY KEY ("tenant_id", "connection_id"))`,
    );
    await q.query(
      `CREATE TABLE "tenants" ("tenant_id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2bc5fb666b382723700bb4c1e76" PRIMARY KEY ("tenant_id"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tenants"`);
    await q.query(`DROP TABLE "sync_states"`);
    await q.query(`DROP TABLE "rate_budgets"`);
    await q.query(`DROP INDEX "public"."dead_letters_open_uq"`);
    await q.query(`DROP TABLE "dead_letters"`);
    await q.query(`DROP INDEX "public"."jobs_dedupe_uq"`);
    await q.query(`DROP INDEX "public"."jobs_claim_idx"`);
    await q.query(`DROP TABLE "jobs"`);
    await q.query(`DROP INDEX "public"."outbox_events_pending_idx"`);
    await q.query(`DROP INDEX "public"."outbox_events_order_idx"`);
    await q.query(`DROP TABLE "outbox_events"`);
    await q.query(`DROP INDEX "public"."orders_marketplace_uq"`);
    await q.query(`DROP INDEX "public"."orders_tenant_updated_idx"`);
    await q.query(`DROP INDEX "public"."orders_email_index_idx"`);
    await q.query(`DROP INDEX "public"."orders_buyer_index_idx"`);
    await q.query(`DROP TABLE "orders"`);
    await q.query(`DROP TABLE "tenant_keys"`);
    await q.query(`DROP TABLE "tenant_index_keys"`);
    await q.query(`DROP INDEX "public"."data_keys_tenant_version_idx"`);
    await q.query(`DROP TABLE "data_keys"`);
    await q.query(`DROP INDEX "public"."marketplace_connections_account_uq"`);
    await q.query(`DROP TABLE "marketplace_connections"`);
  }
}
