import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Replays of endpoints run in the background, with their progress (`delivery_replays`). */
export class DeliveryReplays1796700300000 implements MigrationInterface {
  name = 'DeliveryReplays1796700300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "delivery_replays" ("tenant_id" uuid NOT NULL, "replay_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "requested_by" text NOT NULL, "to_replay" integer, "replayed" integer NOT NULL DEFAULT 0, "queued" integer NOT NULL DEFAULT 0, "cursor" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_delivery_replays" PRIMARY KEY ("tenant_id", "replay_id"))`,
    );
    await q.query(
      `CREATE INDEX "delivery_replays_endpoint_idx" ON "delivery_replays" ("tenant_id", "endpoint_id", "created_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "delivery_replays_endpoint_idx"`);
    await q.query(`DROP TABLE "delivery_replays"`);
  }
}
