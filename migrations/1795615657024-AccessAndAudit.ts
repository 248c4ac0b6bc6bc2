import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessAndAudit1795615657024 implements MigrationInterface {
  name = 'AccessAndAudit1795615657024';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "api_keys" ("tenant_id" uuid, "key_id" text NOT NULL, "owner_kind" text NOT NULL, "staff_id" uuid, "scopes" text array NOT NULL DEFAULT '{}', "label" text NOT NULL, "secret_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "rotated_from" text, CONSTRAINT "PK_587c54d5d82b3dfbfb59a81cb42" PRIMARY KEY ("key_id"))`,
    );
    await q.query(`CREATE INDEX "api_keys_staff_idx" ON "api_keys"  ("staff_id") `);
    await q.query(`CREATE INDEX "api_keys_tenant_idx" ON "api_keys"  ("tenant_id") `);
    await q.query(
      `CREATE TABLE "auth_failures" ("tenant_id" uuid, "bucket" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "failures" integer NOT NULL, CONSTRAINT "PK_cf88678f54d9605535c19c9cf70" PRIMARY KEY ("bucket", "window_start"))`,
    );
    await q.query(
      `CREATE TABLE "staff_members" ("tenant_id" uuid, "staff_id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "role" text NOT NULL, "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_62ce98fe6ddf1e80246d842ced0" PRIMARY KEY ("staff_id"))`,
    );
    await q.query(
      `CREATE TABLE "support_grants" ("tenant_id" uuid NOT NULL, "grant_id" uuid NOT NULL DEFAULT gen_random_uuid(), "grantee_staff_id" uuid, "grantee_role" text, "order_ids" uuid array, "basis" text NOT NULL, "ticket_ref" text, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" text, CONSTRAINT "PK_4921a9f886ac4ced510b631e41c" PRIMARY KEY ("grant_id"))`,
    );
    await q.query(`CREATE INDEX "support_grants_lookup_idx" ON "support_grants"  ("tenant_id", "expires_at") `);
    await q.query(
      `CREATE TABLE "audit_chain_heads" ("chain_id" text NOT NULL, "tenant_id" uuid, "last_seq" bigint NOT NULL, "last_hash" bytea NOT NULL, CONSTRAINT "PK_64cbed94f85728554ebfcb4cdb7" PRIMARY KEY ("chain_id"))`,
    );
    await q.query(
      `CREATE TABLE "audit_checkpoints" ("tenant_id" uuid, "checkpoint_seq" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "heads" jsonb NOT NULL, "root" bytea NOT NULL, "signing_key_id" text NOT NULL, "signature" bytea NOT NULL, CONSTRAINT "PK_48a1b345017c29a451c6fbccd1b" PRIMARY KEY ("checkpoint_seq"))`,
    );
    await q.query(
      `CREATE TABLE "audit_entries" ("chain_id" text NOT NULL, "seq" bigint NOT NULL, "tenant_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_kind" text NOT NULL, "actor_id" text NOT NULL, "actor_role" text, "action" text NOT NULL, "targets" jsonb NOT NULL, "reason" text, "ticket_ref" text, "request_id" text, "outcome" text NOT NULL, "break_glass" boolean NOT NULL DEFAULT false, "prev_hash" bytea NOT NULL, "hash" bytea NOT NULL, CONSTRAINT "PK_262856c0310a664e341db7711f9" PRIMARY KEY ("chain_id", "seq"))`,
    );
    await q.query(`CREATE INDEX "audit_entries_actor_idx" ON "audit_entries"  ("actor_id", "occurred_at") `);
    await q.query(`CREATE INDEX "audit_entries_action_idx" ON "audit_entries"  ("action", "occurred_at") `);
    await q.query(`CREATE INDEX "audit_entries_time_idx" ON "audit_entries"  ("occurred_at") `);
    await q.query(`CREATE INDEX "audit_entries_tenant_time_idx" ON "audit_entries"  ("tenant_id", "occurred_at") `);
    await q.query(
      `CREATE TABLE "signing_keys" ("tenant_id" uuid, "key_id" text NOT NULL, "purpose" text NOT NULL, "public_key" bytea NOT NULL, "wrapped_secret_key" bytea NOT NULL, "master_key_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e02f744a41c3ffa8340aa850638" PRIMARY KEY ("key_id"))`,
    );

    // Append-only access log: no UPDATE, DELETE or TRUNCATE, whoever asks (the owner must
    // first disable the trigger, which the application role cannot do).
    await q.query(`CREATE FUNCTION ordervault_reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the access log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_entries', 'audit_checkpoints']) {
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ordervault_reject_audit_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ordervault_reject_audit_change()`,
      );
    }
    // Privileges of the runtime role (DATABASE_APP_ROLE, default name ordervault_app): everything
    // it needs, but on the access log only SELECT and INSERT. Kept as a function so an operator
    // who creates the role after migrating can apply it: SELECT ordervault_grant_app_role('ordervault_app').
    await q.query(`CREATE FUNCTION ordervault_grant_app_role(app_role text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_checkpoints FROM %I', app_role);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app_role);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', app_role);
      END $$`);
    await q.query(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ordervault_app') THEN
          PERFORM ordervault_grant_app_role('ordervault_app');
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS ordervault_grant_app_role(text)`);
    for (const table of ['audit_entries', 'audit_checkpoints']) {
      await q.query(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      await q.query(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    }
    await q.query(`DROP TABLE "signing_keys"`);
    await q.query(`DROP INDEX "public"."audit_entries_tenant_time_idx"`);
    await q.query(`DROP INDEX "public"."audit_entries_time_idx"`);
    await q.query(`DROP INDEX "public"."audit_entries_action_idx"`);
    await q.query(`DROP INDEX "public"."audit_entries_actor_idx"`);
    await q.query(`DROP TABLE "audit_entries"`);
    await q.query(`DROP TABLE "audit_checkpoints"`);
    await q.query(`DROP TABLE "audit_chain_heads"`);
    await q.query(`DROP INDEX "public"."support_grants_lookup_idx"`);
    await q.query(`DROP TABLE "support_grants"`);
    await q.query(`DROP TABLE "staff_members"`);
    await q.query(`DROP TABLE "auth_failures"`);
    await q.query(`DROP INDEX "public"."api_keys_tenant_idx"`);
    await q.query(`DROP INDEX "public"."api_keys_staff_idx"`);
    await q.query(`DROP TABLE "api_keys"`);
    await q.query(`DROP FUNCTION IF EXISTS ordervault_reject_audit_change()`);
  }
}
