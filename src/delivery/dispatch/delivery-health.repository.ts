import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface TenantDeliveryHealthRow {
  tenant_id: string;
  active: number;
  failing: number;
  paused: number;
  disabled: number;
  failing_since: Date | null;
  backlog: number;
  oldest_open: Date | null;
  given_up_24h: number;
  last_success: Date | null;
}

/** Delivery figures of many tenants at once, for support's roll-up: counts and instants, never a record. */
@Injectable()
export class DeliveryHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One row per named tenant that has an endpoint. Bounded reads: the open deliveries come from the partial
   * index `deliveries_open_endpoint_idx`; the given-up count from `deliveries_finished_idx` over the last day;
   * the last success per endpoint from the newest rows of `deliveries_endpoint_created_idx`.
   */
  async ofTenants(tenantIds: readonly string[], now: Date): Promise<TenantDeliveryHealthRow[]> {
    if (!tenantIds.length) return [];
    return this.dataSource.query(
      `WITH endpoints AS (
         SELECT tenant_id, endpoint_id, enabled, disabled_reason, failing_since FROM webhook_endpoints
          WHERE tenant_id = ANY($1::uuid[]) AND deleted_at IS NULL
       ), open AS (
         SELECT tenant_id, count(*)::int AS backlog, min(created_at) AS oldest_open FROM deliveries
          WHERE tenant_id = ANY($1::uuid[]) AND status IN ('pending', 'failed_retrying')
          GROUP BY tenant_id
       ), given_up AS (
         SELECT tenant_id, count(*)::int AS n FROM deliveries
          WHERE status = 'given_up' AND completed_at > $2::timestamptz - interval '1 day'
            AND tenant_id = ANY($1::uuid[])
          GROUP BY tenant_id
       ), success AS (
         SELECT e.tenant_id, max(s.completed_at) AS last_success FROM endpoints e
          CROSS JOIN LATERAL (
            SELECT d.completed_at FROM deliveries d
             WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.endpoint_id AND d.status = 'succeeded'
             ORDER BY d.created_at DESC LIMIT 1) s
          GROUP BY e.tenant_id
       )
       SELECT e.tenant_id,
              count(*) FILTER (WHERE e.enabled AND e.failing_since IS NULL)::int AS active,
              count(*) FILTER (WHERE e.enabled AND e.failing_since IS NOT NULL)::int AS failing,
              count(*) FILTER (WHERE NOT e.enabled AND e.disabled_reason = 'manual')::int AS paused,
              count(*) FILTER (WHERE NOT e.enabled AND e.disabled_reason IS DISTINCT FROM 'manual')::int AS disabled,
              min(e.failing_since) FILTER (WHERE e.enabled) AS failing_since,
              coalesce(max(o.backlog), 0)::int AS backlog,
              max(o.oldest_open) AS oldest_open,
              coalesce(max(g.n), 0)::int AS given_up_24h,
              max(s.last_success) AS last_success
         FROM endpoints e
         LEFT JOIN open o ON o.tenant_id = e.tenant_id
         LEFT JOIN given_up g ON g.tenant_id = e.tenant_id
         LEFT JOIN success s ON s.tenant_id = e.tenant_id
        GROUP BY e.tenant_id`,
      [[...tenantIds], now],
    );
  }
}
