import type { AccessRequestView } from '../../access/requests/access-request.mapper';
import { MAX_REQUEST_HOURS } from '../../access/requests/access-request-scope';
import { MAX_REQUEST_REASON, MAX_TICKET_REF } from '../../access/requests/access-requests.service';
import type { AccessRequestFormValues } from '../access-request-form';
import type { PageContext } from '../page-context';
import type { RevealedOrderView } from '../../orders';
import { Layout } from './layout';
import { RevealedBuyer } from './orders-page';

const when = (iso: string) => iso.replace('T', ' ');

/** What a request asks for (or an approval granted), in words. */
export function scopeText(s: { access: string; orderIds: string[] | null; durationHours: number }): string {
  const what = s.access === 'reveal' ? 'reveal buyer data' : 'masked orders only';
  const orders = s.orderIds ? `${s.orderIds.length} listed order${s.orderIds.length === 1 ? '' : 's'}` : 'every order';
  return `${what}, ${orders}, ${s.durationHours} h`;
}

/** A staff member's "request access" form and their requests, with the seller's answers. */
export function AccessRequestsPage(props: {
  ctx: PageContext;
  values: AccessRequestFormValues;
  requests: AccessRequestView[];
  problems: string[];
  notice: string | null;
}) {
  const csrf = props.ctx.session?.csrfToken;
  return (
    <Layout title="Access requests" ctx={props.ctx}>
      <h1>Access requests</h1>
      <p>
        Ask a seller for access to its buyers' data for a support case. The seller approves (perhaps for less than you
        asked) or denies; every step is in the seller's access log. Unanswered requests lapse after 72 hours.
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.problems.length ? (
        <div class="error" role="alert">
          <p>The request was not sent:</p>
          <ul>
            {props.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <RequestForm values={props.values} csrf={csrf} />
      <MyRequests requests={props.requests} csrf={csrf} />
    </Layout>
  );
}

function RequestForm({ values, csrf }: { values: AccessRequestFormValues; csrf?: string }) {
  return (
    <form method="post" action="/console/access-requests" class="panel" aria-labelledby="request-heading">
      <h2 id="request-heading">Request access</h2>
      {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
      <div class="field">
        <label for="tenantId">Tenant id</label>
        <input id="tenantId" name="tenantId" value={values.tenantId} required maxLength={64} autocomplete="off" />
      </div>
      <div class="field">
        <label for="access">Access</label>
        <select id="access" name="access">
          <option value="reveal" selected={values.access !== 'masked'}>
            Reveal buyer data (with a reason each time)
          </option>
          <option value="masked" selected={values.access === 'masked'}>
            Masked orders only
          </option>
        </select>
      </div>
      <div class="field">
        <label for="orderIds">Orders</label>
        <input
          id="orderIds"
          name="orderIds"
          value={values.orderIds}
          autocomplete="off"
          aria-describedby="orderIds-hint"
        />
        <span class="hint" id="orderIds-hint">
          order ids separated by spaces or commas; empty: every order
        </span>
      </div>
      <div class="field">
        <label for="durationHours">Duration (hours)</label>
        <input
          id="durationHours"
          name="durationHours"
          type="number"
          min={1}
          max={MAX_REQUEST_HOURS}
          value={values.durationHours}
          aria-describedby="duration-hint"
        />
        <span class="hint" id="duration-hint">
          from approval; at most {MAX_REQUEST_HOURS}
        </span>
      </div>
      <div class="field">
        <label for="reason">Why does the case need it?</label>
        <input id="reason" name="reason" value={values.reason} required maxLength={MAX_REQUEST_REASON} />
      </div>
      <div class="field">
        <label for="ticketRef">Ticket</label>
        <input id="ticketRef" name="ticketRef" value={values.ticketRef} required maxLength={MAX_TICKET_REF} />
      </div>
      <button type="submit">Send request</button>
    </form>
  );
}

function MyRequests({ requests, csrf }: { requests: AccessRequestView[]; csrf?: string }) {
  return (
    <section aria-labelledby="mine-heading">
      <h2 id="mine-heading">Your requests</h2>
      {requests.length === 0 ? (
        <p>You have not asked for access yet.</p>
      ) : (
        <table>
          <caption>Newest first. Times are UTC.</caption>
          <thead>
            <tr>
              <th scope="col">Asked</th>
              <th scope="col">Tenant</th>
              <th scope="col">Asked for</th>
              <th scope="col">Ticket</th>
              <th scope="col">Status</th>
              <th scope="col">Answer</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.requestId}>
                <td class="mono">{when(r.createdAt)}</td>
                <td class="mono">{r.tenantId}</td>
                <td>{scopeText(r)}</td>
                <td>{r.ticketRef}</td>
                <td>
                  <span class={`tag ${r.status === 'approved' ? 'allowed' : r.status === 'pending' ? '' : 'denied'}`}>
                    {r.status}
                  </span>
                </td>
                <td>{r.approved ? `granted: ${scopeText(r.approved)}` : (r.decisionReason ?? '-')}</td>
                <td>
                  {r.status === 'pending' ? <CancelForm id={r.requestId} csrf={csrf} /> : null}
                  {r.status === 'approved' && r.approved?.access === 'reveal' ? (
                    <RevealUnderGrant request={r} csrf={csrf} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div id="buyer-data" aria-live="polite" />
    </section>
  );
}

function CancelForm({ id, csrf }: { id: string; csrf?: string }) {
  return (
    <form method="post" action={`/console/access-requests/${id}/cancel`}>
      {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
      <button type="submit" class="secondary" aria-label={`Cancel request ${id}`}>
        Cancel
      </button>
    </form>
  );
}

/** Reveal one order under the grant this request became: the reveal is decided and logged as any other. */
function RevealUnderGrant({ request, csrf }: { request: AccessRequestView; csrf?: string }) {
  const action = `/console/access-requests/${request.requestId}/reveal`;
  const id = request.requestId.slice(0, 8);
  const only = request.approved?.orderIds?.length === 1 ? request.approved.orderIds[0] : '';
  return (
    <form method="post" action={action} hx-post={action} hx-target="#buyer-data" hx-swap="innerHTML">
      {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
      <div class="field">
        <label for={`order-${id}`}>Order id</label>
        <input id={`order-${id}`} name="orderId" value={only} required maxLength={64} autocomplete="off" />
      </div>
      <div class="field">
        <label for={`reason-${id}`}>Why do you need this buyer's data?</label>
        <input id={`reason-${id}`} name="reason" required maxLength={MAX_REQUEST_REASON} autocomplete="off" />
      </div>
      <button type="submit">Reveal buyer data</button>
    </form>
  );
}

/** The buyer data revealed under a request's grant, as a page (the form sent without htmx). */
export function RevealedUnderRequestPage(props: { ctx: PageContext; order: RevealedOrderView }) {
  return (
    <Layout title="Buyer data" ctx={props.ctx}>
      <h1>Buyer data of order {props.order.orderId}</h1>
      <RevealedBuyer order={props.order} />
      <p>
        <a href="/console/access-requests">Back to your access requests</a>
      </p>
    </Layout>
  );
}
