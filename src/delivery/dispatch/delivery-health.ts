import { Injectable } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { DeliveryHealthRepository, type TenantDeliveryHealthRow } from './delivery-health.repository';

/**
 * `healthy`: every live endpoint sends; `failing`: an endpoint has failed continuously (it is retried, and disabled
 * after 5 days) or something was given up in the last day; `disabled`: an endpoint was disabled by ordervault (410
 * or 5 days failing) and forwards nothing until the seller enables it; `none`: no live endpoint (paused ones only,
 * or none at all).
 */
export type TenantDeliveryState = 'healthy' | 'failing' | 'disabled' | 'none';

/** A tenant's delivery health in figures, for support's roll-up: no endpoint URL, event or order named. */
export interface TenantDeliveryHealthView {
  tenantId: string;
  state: TenantDeliveryState;
  /** Live endpoints by state: sending, failing, paused by the seller, disabled by ordervault. */
  endpoints: { active: number; failing: number; paused: number; disabled: number };
  /** The earliest instant since which an enabled endpoint has failed continuously. */
  failingSince: string | null;
  /** Open deliveries (pending or waiting for a retry) and the age of the oldest. */
  backlog: number;
  oldestOpenSeconds: number | null;
  givenUpLast24h: number;
  lastSuccessAt: string | null;
}

@Injectable()
export class DeliveryHealthService {
  constructor(
    private readonly rows: DeliveryHealthRepository,
    private readonly clock: Clock,
  ) {}

  /** Each named tenant's delivery health (every named tenant answered, in the order named). */
  async rollUp(tenantIds: readonly string[]): Promise<TenantDeliveryHealthView[]> {
    const now = this.clock.now();
    const found = new Map((await this.rows.ofTenants(tenantIds, now)).map((r) => [r.tenant_id, r]));
    return tenantIds.map((tenantId) => view(tenantId, found.get(tenantId), now.getTime()));
  }
}

function view(tenantId: string, r: TenantDeliveryHealthRow | undefined, nowMs: number): TenantDeliveryHealthView {
  const endpoints = {
    active: r?.active ?? 0,
    failing: r?.failing ?? 0,
    paused: r?.paused ?? 0,
    disabled: r?.disabled ?? 0,
  };
  const givenUpLast24h = r?.given_up_24h ?? 0;
  const state: TenantDeliveryState =
    endpoints.disabled > 0
      ? 'disabled'
      : endpoints.failing > 0 || givenUpLast24h > 0
        ? 'failing'
        : endpoints.active > 0
          ? 'healthy'
          : 'none';
  const instant = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    tenantId,
    state,
    endpoints,
    failingSince: instant(r?.failing_since),
    backlog: r?.backlog ?? 0,
    oldestOpenSeconds: r?.oldest_open
      ? Math.max(0, Math.round((nowMs - new Date(r.oldest_open).getTime()) / 1000))
      : null,
    givenUpLast24h,
    lastSuccessAt: instant(r?.last_success),
  };
}
