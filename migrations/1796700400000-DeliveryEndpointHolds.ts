import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which dispatcher holds an endpoint's deliveries, kept on the endpoint (`claim_holder`, `claim_held_until`,
 * `claim_seq`) instead of being counted from the leased deliveries: the lease is then an update of unindexed
 * columns, made in place (a HOT update) in the room the table's fill factor leaves on each page, instead of a new
 * entry in every index of `deliveries`. `deliveries_due_idx` goes too: the claim never used it, and the due count
 * the metrics need is a scan of `deliveries_open_endpoint_idx`.
 */
export class DeliveryEndpointHolds1796700400000 implements MigrationInterface {
  name = 'DeliveryEndpointHolds1796700400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "claim_holder" text`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "claim_held_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "webhook_endpoints" ADD "claim_seq" bigint NOT NULL DEFAULT 0`);
    // Leases live at the upgrade keep their endpoints held by their dispatcher until they lapse.
    await q.query(
      `UPDATE "webhook_endpoints" e SET "claim_holder" = l.owner, "claim_held_until" = l.until
         FROM (SELECT endpoint_id, min(lease_owner) AS owner, max(lease_expires_at) AS until FROM "deliveries"
                WHERE lease_token IS NOT NULL AND lease_expires_at > now() GROUP BY endpoint_id) l
        WHERE e.endpoint_id = l.endpoint_id`,
    );
    await q.query(`DROP INDEX "deliveries_leased_idx"`);
    await q.query(`DROP INDEX "deliveries_due_idx"`);
    // Room on each page for the lease's new row version (pages filled before this keep their rows where they are).
    await q.query(`ALTER TABLE "deliveries" SET (fillfactor = 70)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "deliveries" RESET (fillfactor)`);
    await q.query(
      `CREATE INDEX "deliveries_due_idx" ON "deliveries" ("next_attempt_at") WHERE status IN ('pending', 'failed_retrying')`,
    );
    await q.query(`CREATE INDEX "deliveries_leased_idx" ON "deliveries" ("endpoint_id") WHERE lease_token IS NOT NULL`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "claim_seq"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "claim_held_until"`);
    await q.query(`ALTER TABLE "webhook_endpoints" DROP COLUMN "claim_holder"`);
  }
}
