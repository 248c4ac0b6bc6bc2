import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';

/**
 * The SQL of a seller's offboarding beyond its orders: access revoked (rows kept, made inert: who could act,
 * and when that ended, stays answerable) and every other tenant-scoped row deleted once the orders are gone.
 * The orders themselves leave through orders/' destruction and record-expiry steps, never through here.
 * test/rights/offboarding.test.ts lists every table with a `tenant_id` column and fails on one this file
 * neither empties nor names as kept, so a new table cannot be forgotten.
 */
@Injectable()
export class TenantResidueRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** API keys revoked, console sessions ended, seller accounts disabled, invitations and support grants revoked. */
  async revokeAccess(tx: Tx, tenantId: string, at: Date, by: string): Promise<Record<string, number>> {
    const run = async (sql: string, params: unknown[]) => {
      const [, n]: [unknown, number] = await tx.query(sql, params);
      return n;
    };
    return {
      api_keys: await run(`UPDATE api_keys SET revoked_at = $2 WHERE tenant_id = $1 AND revoked_at IS NULL`, [
        tenantId,
        at,
      ]),
      person_sessions: await run(
        `UPDATE person_sessions SET ended_at = $2, end_reason = 'tenant offboarded' WHERE tenant_id = $1 AND ended_at IS NULL`,
        [tenantId, at],
      ),
      // No password, no second factor, locked for good: the account cannot sign in again.
      person_accounts: await run(
        `UPDATE person_accounts SET password_hash = NULL, totp_secret = NULL, locked_until = 'infinity'
          WHERE tenant_id = $1 AND kind = 'seller' AND (password_hash IS NOT NULL OR totp_secret IS NOT NULL)`,
        [tenantId],
      ),
      person_invitations: await run(
        `UPDATE person_invitations SET revoked_at = $2, pending_password_hash = NULL, pending_totp_secret = NULL
          WHERE tenant_id = $1 AND revoked_at IS NULL AND accepted_at IS NULL`,
        [tenantId, at],
      ),
      support_grants: await run(
        `UPDATE support_grants SET revoked_at = $2, revoked_by = $3 WHERE tenant_id = $1 AND revoked_at IS NULL`,
        [tenantId, at, by],
      ),
    };
  }

  /**
   * Every row of the tenant left in these tables after its orders are gone (dead letters of orders never
   * stored, deliveries and feed positions, sync state, connections and endpoints whose secrets are already
   * shredded, data keys, policies, requests); counts per table. In the caller's transaction.
   */
  async deleteRest(tx: Tx, tenantId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of RESIDUE_TABLES) {
      const [, n]: [unknown, number] = await tx.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [tenantId]);
      counts[table] = n;
    }
    return counts;
  }

  /** Orders of the tenant left (the order step loops until none). */
  async ordersLeft(tx: Tx, tenantId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await tx.query(`SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1`, [
      tenantId,
    ]);
    return n;
  }

  /** Up to `limit` order ids of the tenant after `after`, in id order (the export's pages). */
  async orderIdsAfter(tenantId: string, after: string | null, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await this.dataSource.query(
      `SELECT order_id FROM orders WHERE tenant_id = $1 AND ($2::uuid IS NULL OR order_id > $2::uuid)
        ORDER BY order_id LIMIT $3`,
      [tenantId, after, limit],
    );
    return rows.map((r) => r.order_id);
  }

  /** Every connection id of the tenant (disconnected ones included): their orders' destruction selectors. */
  async connectionIds(tx: Tx, tenantId: string): Promise<string[]> {
    const rows: { connection_id: string }[] = await tx.query(
      `SELECT connection_id FROM marketplace_connections WHERE tenant_id = $1 ORDER BY connection_id`,
      [tenantId],
    );
    return rows.map((r) => r.connection_id);
  }
}

/** Deleted in this order (there are no foreign keys; children before parents all the same). */
export const RESIDUE_TABLES = [
  'delivery_attempts',
  'deliveries',
  'delivery_replays',
  'event_feed',
  'event_feed_heads',
  'outbox_events',
  'dead_letters',
  'jobs',
  'sync_states',
  'rate_budgets',
  'webhook_endpoints',
  'marketplace_connections',
  'data_keys',
  'retention_policies',
  'data_subject_requests',
  'ebay_deletion_targets',
  // Staff requests for access to the tenant's buyer data (their story stays in the access log).
  'access_requests',
  // The seller's people's passkeys: with no password and no second factor left, no credential of theirs stays.
  'person_passkeys',
] as const;

/**
 * Tenant-scoped tables whose rows stay: the access log and its signing keys (auditors need them; no buyer data), staff, the
 * tenant and its offboarding record (the certificate), legal holds (what was overridden), revoked keys,
 * grants and invitations, disabled accounts and ended sessions, authentication failures (expire by themselves).
 */
export const KEPT_TABLES = [
  'audit_entries',
  'audit_chain_heads',
  'audit_checkpoints',
  'signing_keys',
  'staff_members',
  'tenants',
  'tenant_offboardings',
  'legal_holds',
  'api_keys',
  'support_grants',
  'person_accounts',
  'person_sessions',
  'person_invitations',
  'auth_failures',
] as const;
