import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventFeed1796414235922 implements MigrationInterface {
  name = 'EventFeed1796414235922';

  async up(q: QueryRunner): Promise<void> {
    // The writing transaction's id as a bigint (xid8 carries the epoch, so it never wraps). A function
    // rather than the expression itself: the column default then reads back exactly as declared.
    await q.query(`CREATE FUNCTION ordervault_current_xact_id() RETURNS bigint LANGUAGE sql VOLATILE AS
      'SELECT pg_current_xact_id()::text::bigint'`);
    await q.query(
      `CREATE TABLE "event_feed" ("tenant_id" uuid NOT NULL, "position" bigint NOT NULL, "event_id" uuid NOT NULL, CONSTRAINT "PK_97c3d71941e191906bb95718a5a" PRIMARY KEY ("tenant_id", "position"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "event_feed_event_uq" ON "event_feed"  ("tenant_id", "event_id") `);
    await q.query(
      `CREATE TABLE "event_feed_heads" ("tenant_id" uuid NOT NULL, "position" bigint NOT NULL, "sequenced_below" bigint NOT NULL, CONSTRAINT "PK_5349924c418db2ffddb675f3f51" PRIMARY KEY ("tenant_id"))`,
    );
    // Existing events take the migration's transaction id: committed, so the first feed read sequences them.
    await q.query(`ALTER TABLE "outbox_events" ADD "tx_id" bigint NOT NULL DEFAULT ordervault_current_xact_id()`);
    await q.query(`CREATE INDEX "outbox_events_tx_idx" ON "outbox_events"  ("tenant_id", "tx_id") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."outbox_events_tx_idx"`);
    await q.query(`ALTER TABLE "outbox_events" DROP COLUMN "tx_id"`);
    await q.query(`DROP TABLE "event_feed_heads"`);
    await q.query(`DROP INDEX "public"."event_feed_event_uq"`);
    await q.query(`DROP TABLE "event_feed"`);
    await q.query(`DROP FUNCTION IF EXISTS ordervault_current_xact_id()`);
  }
}
