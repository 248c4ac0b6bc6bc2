import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConsolePeople1796403171726 implements MigrationInterface {
  name = 'ConsolePeople1796403171726';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_accounts" ("tenant_id" uuid, "account_id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "staff_id" uuid, "login" text NOT NULL, "password_hash" text, "totp_secret" bytea, "totp_last_step" bigint, "failed_sign_ins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_sign_in_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5060dd432ca26b58baca74aad1f" PRIMARY KEY ("account_id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "person_accounts_staff_key" ON "person_accounts"  ("staff_id") WHERE staff_id IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "person_accounts_login_key" ON "person_accounts"  ("login") `);
    await q.query(
      `CREATE TABLE "person_sessions" ("tenant_id" uuid, "session_id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "token_hash" bytea NOT NULL, "csrf_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" text, CONSTRAINT "PK_2c2c8392c7c9fb27289c86bb283" PRIMARY KEY ("session_id"))`,
    );
    await q.query(
      `CREATE INDEX "person_sessions_open_idx" ON "person_sessions"  ("last_seen_at") WHERE ended_at IS NULL`,
    );
    await q.query(`CREATE INDEX "person_sessions_account_idx" ON "person_sessions"  ("account_id") `);
    await q.query(`CREATE UNIQUE INDEX "person_sessions_token_key" ON "person_sessions"  ("token_hash") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."person_sessions_token_key"`);
    await q.query(`DROP INDEX "public"."person_sessions_account_idx"`);
    await q.query(`DROP INDEX "public"."person_sessions_open_idx"`);
    await q.query(`DROP TABLE "person_sessions"`);
    await q.query(`DROP INDEX "public"."person_accounts_login_key"`);
    await q.query(`DROP INDEX "public"."person_accounts_staff_key"`);
    await q.query(`DROP TABLE "person_accounts"`);
  }
}
