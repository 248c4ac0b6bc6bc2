import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import type { ConnectionView } from '../connections/connection.mapper';
import { ConnectionsService } from '../connections/connections.service';
import { Clock } from '../platform/clock/clock';
import type { SyncState } from './sync-state.entity';
import { SyncStateRepository } from './sync-state.repository';

/**
 * `on_time`: synced within a few intervals and the last run did not fail; `delayed`: the last run failed
 * (the schedule retries by itself) or the synced instant lags more than `DELAYED_AFTER_INTERVALS` intervals;
 * `action_required`: nothing syncs until someone acts (authorise again, or the operator configures the
 * marketplace); `disconnected`: the seller ended the connection.
 */
export type SyncHealthState = 'on_time' | 'delayed' | 'action_required' | 'disconnected';

export const DELAYED_AFTER_INTERVALS = 3;

/** One connection's sync health: what the seller needs to know whether their orders arrive. */
export interface ConnectionHealthView {
  connection: ConnectionView;
  state: SyncHealthState;
  /** Seconds between now and the instant up to which the connection is fully synced; null before a first sync. */
  lagSeconds: number | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  consecutiveFailures: number;
  /** Why it is delayed or needs action (a status reason or an error code, never buyer data); null when on time. */
  reason: string | null;
}

/** A tenant's sync health in figures, for support's roll-up: no connection, account or record named. */
export interface TenantSyncHealthView {
  tenantId: string;
  connections: number;
  onTime: number;
  delayed: number;
  actionRequired: number;
  disconnected: number;
  /** The worst state of its connections that sync or should (`none` without any such connection). */
  worst: SyncHealthState | 'none';
  /** The largest lag of a connection that syncs; null when none has synced yet. */
  maxLagSeconds: number | null;
  /** The latest successful sync of any of its connections. */
  lastSuccessAt: string | null;
}

/** From best to worst: what a tenant's roll-up calls its worst connection. */
const SEVERITY: readonly SyncHealthState[] = ['disconnected', 'on_time', 'delayed', 'action_required'];

/**
 * Sync health per connection of a tenant, read from the connection's status and its sync state: the
 * same facts the metrics report (lag, consecutive failures), put in a seller's words.
 */
@Injectable()
export class SyncHealthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly states: SyncStateRepository,
    private readonly clock: Clock,
  ) {}

  async forTenant(tenantId: string): Promise<ConnectionHealthView[]> {
    const [connections, states] = await Promise.all([this.connections.list(tenantId), this.states.listAll(tenantId)]);
    const byId = new Map(states.map((s) => [s.connectionId, s]));
    return connections.map((c) => this.health(c, byId.get(c.connectionId)));
  }

  /** Each named tenant's sync health in figures (every named tenant answered, in the order named). */
  async rollUp(tenantIds: readonly string[]): Promise<TenantSyncHealthView[]> {
    const [connections, states] = await Promise.all([
      this.connections.listOfTenants(tenantIds),
      this.states.listOfTenants(tenantIds),
    ]);
    const stateOf = new Map(states.map((s) => [s.connectionId, s]));
    const byTenant = new Map<string, ConnectionHealthView[]>();
    for (const c of connections) {
      const list = byTenant.get(c.tenantId) ?? [];
      list.push(this.health(c, stateOf.get(c.connectionId)));
      byTenant.set(c.tenantId, list);
    }
    return tenantIds.map((tenantId) => summarise(tenantId, byTenant.get(tenantId) ?? []));
  }

  private health(c: ConnectionView, s: SyncState | undefined): ConnectionHealthView {
    const now = this.clock.nowMs();
    const lagSeconds = s?.cursor ? Math.max(0, Math.round((now - s.cursor.getTime()) / 1000)) : null;
    const base = {
      connection: c,
      lagSeconds,
      lastSuccessAt: s?.lastSuccessAt?.toISOString() ?? null,
      nextRunAt: c.status === 'active' ? (s?.nextRunAt.toISOString() ?? null) : null,
      consecutiveFailures: s?.consecutiveFailures ?? 0,
    };
    switch (c.status) {
      case 'auth_failed':
        return {
          ...base,
          state: 'action_required',
          reason: `authorisation failed (${c.statusReason ?? 'unknown'}): reconnect the account`,
        };
      case 'needs_configuration':
        return { ...base, state: 'action_required', reason: `needs configuration (${c.statusReason ?? 'unknown'})` };
      case 'disabled':
        return { ...base, state: 'disconnected', reason: c.statusReason ?? 'disconnected' };
      case 'active':
        break;
    }
    if (s && s.consecutiveFailures > 0) {
      return {
        ...base,
        state: 'delayed',
        reason: `${s.consecutiveFailures} failed run(s), last ${s.lastErrorCode ?? 'unknown'}; retried by itself`,
      };
    }
    const limitSeconds = DELAYED_AFTER_INTERVALS * this.config.sync.intervalSeconds;
    const sinceCreated = (now - Date.parse(c.createdAt)) / 1000;
    if ((lagSeconds ?? sinceCreated) > limitSeconds) {
      return {
        ...base,
        state: 'delayed',
        reason: lagSeconds === null ? 'not synced yet' : `more than ${limitSeconds / 60} minutes behind`,
      };
    }
    return { ...base, state: 'on_time', reason: null };
  }
}

function summarise(tenantId: string, health: readonly ConnectionHealthView[]): TenantSyncHealthView {
  const count = (state: SyncHealthState) => health.filter((h) => h.state === state).length;
  const syncing = health.filter((h) => h.state !== 'disconnected');
  const worst = syncing.reduce<SyncHealthState | 'none'>(
    (w, h) => (w === 'none' || SEVERITY.indexOf(h.state) > SEVERITY.indexOf(w) ? h.state : w),
    'none',
  );
  const lags = syncing.map((h) => h.lagSeconds).filter((l): l is number => l !== null);
  const successes = health.map((h) => h.lastSuccessAt).filter((t): t is string => t !== null);
  return {
    tenantId,
    connections: health.length,
    onTime: count('on_time'),
    delayed: count('delayed'),
    actionRequired: count('action_required'),
    disconnected: count('disconnected'),
    worst,
    maxLagSeconds: lags.length ? Math.max(...lags) : null,
    lastSuccessAt: successes.length ? successes.reduce((a, b) => (a > b ? a : b)) : null,
  };
}
