import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Passkeys1796440856652 implements MigrationInterface {
  name = 'Passkeys1796440856652';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_passkeys" ("passkey_id" uuid NOT NULL DEFAULT gen_random_uuid(), "account_id" uuid NOT NULL, "tenant_id" uuid, "credential_id" text NOT NULL, "public_key" bytea NOT NULL, "sign_count" bigint NOT NULL, "transports" text array NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a0452b5d0cf2fda82708a121cd7" PRIMARY KEY ("passkey_id"))`,
    );
    await q.query(`CREATE INDEX "person_passkeys_account_idx" ON "person_passkeys"  ("account_id", "created_at") `);
    await q.query(`CREATE UNIQUE INDEX "person_passkeys_credential_key" ON "person_passkeys"  ("credential_id") `);
    await q.query(
      `CREATE TABLE "webauthn_challenges" ("challenge" text NOT NULL, "ceremony" text NOT NULL, "account_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_03a1fd625909713af1fa0b33f3e" PRIMARY KEY ("challenge"))`,
    );
    await q.query(`CREATE INDEX "webauthn_challenges_expiry_idx" ON "webauthn_challenges"  ("expires_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."webauthn_challenges_expiry_idx"`);
    await q.query(`DROP TABLE "webauthn_challenges"`);
    await q.query(`DROP INDEX "public"."person_passkeys_credential_key"`);
    await q.query(`DROP INDEX "public"."person_passkeys_account_idx"`);
    await q.query(`DROP TABLE "person_passkeys"`);
  }
}
