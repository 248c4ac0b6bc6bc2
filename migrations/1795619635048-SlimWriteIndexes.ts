import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SlimWriteIndexes1795619635048 implements MigrationInterface {
  name = 'SlimWriteIndexes1795619635048';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."audit_entries_actor_idx"`);
    await q.query(`DROP INDEX "public"."audit_entries_action_idx"`);
    await q.query(`DROP INDEX "public"."data_keys_tenant_version_idx"`);
    await q.query(`DROP INDEX "public"."outbox_events_order_idx"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "outbox_events_order_idx" ON "outbox_events" USING btree ("tenant_id", "order_id") `);
    await q.query(
      `CREATE INDEX "data_keys_tenant_version_idx" ON "data_keys" USING btree ("tenant_id", "tenant_key_version") `,
    );
    await q.query(`CREATE INDEX "audit_entries_action_idx" ON "audit_entries" USING btree ("action", "occurred_at") `);
    await q.query(`CREATE INDEX "audit_entries_actor_idx" ON "audit_entries" USING btree ("actor_id", "occurred_at") `);
  }
}
