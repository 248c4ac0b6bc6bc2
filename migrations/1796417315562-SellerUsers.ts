import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SellerUsers1796417315562 implements MigrationInterface {
  name = 'SellerUsers1796417315562';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "person_invitations" ("tenant_id" uuid NOT NULL, "invitation_id" uuid NOT NULL DEFAULT gen_random_uuid(), "role" text NOT NULL, "token_hash" bytea NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "pending_login" text, "pending_password_hash" text, "pending_totp_secret" bytea, "accepted_at" TIMESTAMP WITH TIME ZONE, "account_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_044510125588618a3d4ab4e1ce1" PRIMARY KEY ("invitation_id"))`,
    );
    await q.query(`CREATE INDEX "person_invitations_tenant_idx" ON "person_invitations"  ("tenant_id", "created_at") `);
    await q.query(`CREATE UNIQUE INDEX "person_invitations_token_key" ON "person_invitations"  ("token_hash") `);
    await q.query(`ALTER TABLE "person_accounts" ADD "role" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "person_accounts" DROP COLUMN "role"`);
    await q.query(`DROP INDEX "public"."person_invitations_token_key"`);
    await q.query(`DROP INDEX "public"."person_invitations_tenant_idx"`);
    await q.query(`DROP TABLE "person_invitations"`);
  }
}
