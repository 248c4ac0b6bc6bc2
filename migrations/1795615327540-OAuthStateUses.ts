import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthStateUses1795615327540 implements MigrationInterface {
  name = 'OAuthStateUses1795615327540';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "oauth_state_uses" ("nonce" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_baccb3114e7de5dcbbb9193f684" PRIMARY KEY ("nonce"))`,
    );
    await q.query(`CREATE INDEX "oauth_state_uses_expires_idx" ON "oauth_state_uses"  ("expires_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."oauth_state_uses_expires_idx"`);
    await q.query(`DROP TABLE "oauth_state_uses"`);
  }
}
