import type { TenantDeliveryHealthView, TenantDeliveryState } from '../../delivery/dispatch/delivery-health';
import type { SyncHealthState, TenantSyncHealthView } from '../../sync/sync-health';
import type { TenantView } from '../../tenants/tenant.mapper';
import type { PageContext } from '../page-context';
import { duration, when } from './format';
import { Layout } from './layout';
import { withTenant } from './tenant-links';

export const TENANTS_PER_PAGE = 50;

/** What the signed-in staff member may do at a seller today. */
export interface StaffAccessSummary {
  /** The latest end of an active grant; null without one. */
  readonly grantedUntil: string | null;
  /** Whether an active grant allows reveals (else masked views only). */
  readonly reveal: boolean;
  readonly pendingRequests: number;
}

export interface TenantRow {
  readonly tenant: TenantView;
  readonly sync: TenantSyncHealthView;
  readonly delivery: TenantDeliveryHealthView;
  readonly access: StaffAccessSummary | undefined;
}

const SYNC_WORDS: Record<SyncHealthState | 'none', [string, string]> = {
  on_time: ['On time', 'tag allowed'],
  delayed: ['Delayed', 'tag'],
  action_required: ['Action required', 'tag denied'],
  disconnected: ['Disconnected', 'tag'],
  none: ['No account', 'tag'],
};

const DELIVERY_WORDS: Record<TenantDeliveryState, [string, string]> = {
  healthy: ['Healthy', 'tag allowed'],
  failing: ['Failing', 'tag denied'],
  disabled: ['Endpoint disabled', 'tag denied'],
  none: ['No endpoint', 'tag'],
};

/** A row someone should look at: a sync not on time, or deliveries failing or stopped. */
export const needsAttention = (row: Pick<TenantRow, 'sync' | 'delivery'>): boolean =>
  row.sync.worst === 'delayed' ||
  row.sync.worst === 'action_required' ||
  row.delivery.state === 'failing' ||
  row.delivery.state === 'disabled';

function SyncCell({ s }: { s: TenantSyncHealthView }) {
  const [word, cls] = SYNC_WORDS[s.worst];
  const parts = [
    s.onTime && `${s.onTime} on time`,
    s.delayed && `${s.delayed} delayed`,
    s.actionRequired && `${s.actionRequired} need action`,
    s.disconnected && `${s.disconnected} disconnected`,
  ].filter(Boolean);
  return (
    <>
      <span class={cls}>{word}</span>
      {parts.length ? <div class="hint">{parts.join(', ')}</div> : null}
      {s.maxLagSeconds !== null ? <div class="hint">behind by up to {duration(s.maxLagSeconds)}</div> : null}
      <div class="hint">last success {when(s.lastSuccessAt)}</div>
    </>
  );
}

function DeliveryCell({ d }: { d: TenantDeliveryHealthView }) {
  const [word, cls] = DELIVERY_WORDS[d.state];
  const e = d.endpoints;
  const parts = [
    e.active && `${e.active} active`,
    e.failing && `${e.failing} failing`,
    e.paused && `${e.paused} paused`,
    e.disabled && `${e.disabled} disabled`,
  ].filter(Boolean);
  return (
    <>
      <span class={cls}>{word}</span>
      {parts.length ? <div class="hint">{parts.join(', ')}</div> : null}
      {d.failingSince ? <div class="hint">failing since {when(d.failingSince)}</div> : null}
      <div class="hint">
        backlog {d.backlog}
        {d.oldestOpenSeconds !== null ? `, oldest ${duration(d.oldestOpenSeconds)}` : ''}
        {d.givenUpLast24h ? `; ${d.givenUpLast24h} given up in 24 h` : ''}
      </div>
      <div class="hint">last success {when(d.lastSuccessAt)}</div>
    </>
  );
}

function AccessCell({ row }: { row: TenantRow }) {
  const id = row.tenant.tenantId;
  const a = row.access;
  if (row.tenant.status !== 'active') return <span class="hint">not served ({row.tenant.status})</span>;
  const request = (
    <a href={`/console/access-requests?tenantId=${encodeURIComponent(id)}#request-heading`}>
      Request access<span class="visually-hidden"> to {row.tenant.name}</span>
    </a>
  );
  if (!a?.grantedUntil) {
    return (
      <>
        {a?.pendingRequests ? <div>{a.pendingRequests} request(s) waiting for the seller</div> : null}
        {request}
      </>
    );
  }
  return (
    <>
      <div>
        {a.reveal ? 'Granted' : 'Masked view'} until {when(a.grantedUntil)}
      </div>
      <a href={withTenant('/console/orders', id)}>
        Orders<span class="visually-hidden"> of {row.tenant.name}</span>
      </a>{' '}
      ·{' '}
      <a href={withTenant('/console/endpoints', id)}>
        Webhooks<span class="visually-hidden"> of {row.tenant.name}</span>
      </a>{' '}
      ·{' '}
      <a href={withTenant('/console/dead-letters', id)}>
        Dead letters<span class="visually-hidden"> of {row.tenant.name}</span>
      </a>
    </>
  );
}

/** Support's view of every seller: sync and delivery health in figures, and the staff member's access to each. */
export function TenantsPage(props: {
  ctx: PageContext;
  rows: TenantRow[];
  show: 'all' | 'attention';
  after: string | null;
  nextAfter: string | null;
}) {
  const { rows, show } = props;
  const attention = rows.filter(needsAttention).length;
  const pageUrl = (after: string | null) =>
    `/console/tenants?${new URLSearchParams({ ...(show === 'attention' ? { show } : {}), ...(after ? { after } : {}) })}`;
  return (
    <Layout title="Tenants" ctx={props.ctx}>
      <h1>Tenants</h1>
      <p>
        Every seller's sync and delivery health, in figures only. To look at a seller's orders, endpoints or dead
        letters you need the seller's grant: request access for your case, and the seller approves or denies it.
      </p>
      <form method="get" action="/console/tenants" class="panel" role="search" aria-label="Which tenants">
        <div class="filters">
          <div class="field">
            <label for="show">Show</label>
            <select id="show" name="show">
              <option value="all" selected={show === 'all'}>
                every tenant
              </option>
              <option value="attention" selected={show === 'attention'}>
                those needing attention
              </option>
            </select>
          </div>
          <button type="submit">Show</button>
        </div>
      </form>
      {rows.length ? (
        <table>
          <caption>
            {rows.length} tenant(s){show === 'attention' ? ' needing attention' : `, ${attention} needing attention`}
            {props.after ? ' (later page)' : ''}. Times are UTC.
          </caption>
          <thead>
            <tr>
              <th scope="col">Seller</th>
              <th scope="col">Sync</th>
              <th scope="col">Delivery</th>
              <th scope="col">Your access</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.tenant.tenantId}>
                <td>
                  {row.tenant.name}
                  <div class="hint mono">{row.tenant.tenantId}</div>
                </td>
                <td>
                  <SyncCell s={row.sync} />
                </td>
                <td>
                  <DeliveryCell d={row.delivery} />
                </td>
                <td>
                  <AccessCell row={row} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{show === 'attention' ? 'No tenant on this page needs attention.' : 'No tenants yet.'}</p>
      )}
      <p class="pager">
        {props.after ? <a href={pageUrl(null)}>First page</a> : null}
        {props.after && props.nextAfter ? ' · ' : null}
        {props.nextAfter ? <a href={pageUrl(props.nextAfter)}>Next page</a> : null}
      </p>
    </Layout>
  );
}
