import type { GrantView } from '../../access/grants.service';
import type { AccessRequestView } from '../../access/requests/access-request.mapper';
import { PendingRequests } from './pending-access-requests';
import type { AuditEntryView } from '../../audit';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

export interface StaffReveals {
  /** Staff members' reveal entries of this page, newest first. */
  readonly items: AuditEntryView[];
  readonly nextCursor?: string;
  readonly cursor: string;
}

const when = (iso: string) => iso.replace('T', ' ');

function pageUrl(tenant: string, cursor?: string): string {
  const params = new URLSearchParams();
  if (tenant) params.set('tenant', tenant);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `/console/staff-access?${query}` : '/console/staff-access';
}

/** Who on our staff opened (or tried to open) this seller's buyer data, and the grants that let them. */
export function StaffAccessPage(props: {
  ctx: PageContext;
  tenant: string;
  showTenant: boolean;
  reveals: StaffReveals | null;
  grants: GrantView[] | null;
  /** The seller's pending access requests (null: not a seller who manages grants). */
  requests: AccessRequestView[] | null;
  problem: string | null;
}) {
  return (
    <Layout title="Staff access to your data" ctx={props.ctx}>
      <h1>Staff access to your data</h1>
      <p>
        Every time someone on ordervault's staff opened, or tried to open, your buyers' data: who, when, why, and
        whether your grant or an emergency (break-glass) access allowed it. Read from your access log.
      </p>
      {props.showTenant ? (
        <form method="get" action="/console/staff-access" class="panel" role="search" aria-label="Choose a tenant">
          <div class="field">
            <label for="tenant">Tenant id</label>
            <input id="tenant" name="tenant" value={props.tenant} maxLength={64} aria-describedby="tenant-hint" />
            <span class="hint" id="tenant-hint">
              empty: every tenant
            </span>
          </div>
          <button type="submit">Show</button>
        </form>
      ) : null}
      {props.problem ? (
        <div class="error" role="alert">
          <p>{props.problem}</p>
        </div>
      ) : null}
      {props.requests ? <PendingRequests requests={props.requests} csrf={props.ctx.session?.csrfToken} /> : null}
      {props.reveals ? <Reveals reveals={props.reveals} tenant={props.tenant} showTenant={props.showTenant} /> : null}
      {props.grants ? <Grants grants={props.grants} csrf={props.ctx.session?.csrfToken} /> : null}
    </Layout>
  );
}

function Reveals(props: { reveals: StaffReveals; tenant: string; showTenant: boolean }) {
  const r = props.reveals;
  return (
    <section aria-labelledby="reveals-heading">
      <h2 id="reveals-heading">Staff reveals</h2>
      {r.items.length === 0 ? (
        <p>No staff member has opened or tried to open buyer data{r.cursor ? ' in this older part of the log' : ''}.</p>
      ) : (
        <table>
          <caption>
            {r.items.length} staff reveals{r.cursor ? ' (older page)' : ''}, newest first. Times are UTC.
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Who</th>
              {props.showTenant ? <th scope="col">Tenant</th> : null}
              <th scope="col">Orders</th>
              <th scope="col">Why</th>
              <th scope="col">Ticket</th>
              <th scope="col">Allowed by</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((e) => (
              <RevealRow key={`${e.chainId}:${e.seq}`} e={e} showTenant={props.showTenant} />
            ))}
          </tbody>
        </table>
      )}
      <p class="pager">
        {r.cursor ? <a href={pageUrl(props.tenant)}>Newest</a> : null}
        {r.cursor && r.nextCursor ? ' · ' : null}
        {r.nextCursor ? <a href={pageUrl(props.tenant, r.nextCursor)}>Older</a> : null}
      </p>
    </section>
  );
}

function RevealRow({ e, showTenant }: { e: AuditEntryView; showTenant: boolean }) {
  const targets = (e.targets ?? {}) as { orderIds?: unknown; grantId?: unknown };
  const orderIds = Array.isArray(targets.orderIds) ? targets.orderIds.map(String) : [];
  const grantId = typeof targets.grantId === 'string' ? targets.grantId : null;
  return (
    <tr>
      <td class="mono">{when(e.occurredAt)}</td>
      <td class="mono">
        {e.actor.role ?? 'staff'} {e.actor.id}
      </td>
      {showTenant ? <td class="mono">{e.tenantId ?? '-'}</td> : null}
      <td class="mono">{orderIds.length ? orderIds.join(' ') : '-'}</td>
      <td>{e.reason ?? '-'}</td>
      <td>{e.ticketRef ?? '-'}</td>
      <td>
        {e.breakGlass ? (
          <span class="tag denied">break-glass</span>
        ) : grantId ? (
          <span class="mono">grant {grantId}</span>
        ) : (
          '-'
        )}
      </td>
      <td>
        <span class={`tag ${e.outcome === 'denied' ? 'denied' : 'allowed'}`}>{e.outcome}</span>
      </td>
    </tr>
  );
}

function Grants({ grants, csrf }: { grants: GrantView[]; csrf?: string }) {
  return (
    <section aria-labelledby="grants-heading">
      <h2 id="grants-heading">Active support grants</h2>
      {grants.length === 0 ? (
        <p>No staff member may see your buyers' data now.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Granted to</th>
              <th scope="col">Orders</th>
              <th scope="col">Ticket</th>
              <th scope="col">Since</th>
              <th scope="col">Until</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {grants.map((g) => (
              <tr key={g.grantId}>
                <td class="mono">{g.granteeStaffId ? `staff ${g.granteeStaffId}` : `every ${g.granteeRole}`}</td>
                <td>{g.orderIds ? `${g.orderIds.length} listed` : 'all'}</td>
                <td>{g.ticketRef ?? '-'}</td>
                <td class="mono">{when(g.createdAt)}</td>
                <td class="mono">{when(g.expiresAt)}</td>
                <td>
                  <form method="post" action={`/console/staff-access/grants/${g.grantId}/revoke`}>
                    {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
                    <button type="submit" class="secondary" aria-label={`Revoke grant ${g.grantId}`}>
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
