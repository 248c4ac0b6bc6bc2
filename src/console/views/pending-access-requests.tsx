import type { AccessRequestView } from '../../access/requests/access-request.mapper';
import { MAX_REQUEST_REASON } from '../../access/requests/access-requests.service';
import { scopeText } from './access-requests-page';

const when = (iso: string) => iso.replace('T', ' ');

/** Our staff's pending requests for access to this seller's buyer data, each with approve and deny forms. */
export function PendingRequests({ requests, csrf }: { requests: AccessRequestView[]; csrf?: string }) {
  return (
    <section aria-labelledby="requests-heading">
      <h2 id="requests-heading">Access requests waiting for your answer</h2>
      {requests.length === 0 ? (
        <p>No staff member is waiting for your answer.</p>
      ) : (
        requests.map((r) => <PendingRequest key={r.requestId} r={r} csrf={csrf} />)
      )}
    </section>
  );
}

function PendingRequest({ r, csrf }: { r: AccessRequestView; csrf?: string }) {
  const id = r.requestId.slice(0, 8);
  const approve = `/console/staff-access/requests/${r.requestId}/approve`;
  const deny = `/console/staff-access/requests/${r.requestId}/deny`;
  return (
    <article class="panel" aria-labelledby={`request-${id}`}>
      <h3 id={`request-${id}`}>
        Staff member <span class="mono">{r.requestedBy}</span> asks for {scopeText(r)}
      </h3>
      <dl class="facts">
        <dt>Why</dt>
        <dd>{r.reason}</dd>
        <dt>Ticket</dt>
        <dd>{r.ticketRef}</dd>
        {r.orderIds ? (
          <>
            <dt>Orders</dt>
            <dd class="mono">{r.orderIds.join(' ')}</dd>
          </>
        ) : null}
        <dt>Asked</dt>
        <dd class="mono">{when(r.createdAt)} UTC</dd>
        <dt>Lapses unanswered</dt>
        <dd class="mono">{when(r.expiresAt)} UTC</dd>
      </dl>
      <form method="post" action={approve} aria-label={`Approve request ${id}`}>
        {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
        <div class="field">
          <label for={`access-${id}`}>Access</label>
          <select id={`access-${id}`} name="access">
            {r.access === 'reveal' ? <option value="reveal">Reveal buyer data, as asked</option> : null}
            <option value="masked">Masked orders only</option>
          </select>
        </div>
        <div class="field">
          <label for={`orders-${id}`}>Orders</label>
          <input id={`orders-${id}`} name="orderIds" autocomplete="off" aria-describedby={`orders-hint-${id}`} />
          <span class="hint" id={`orders-hint-${id}`}>
            empty: {r.orderIds ? 'the orders asked for' : 'every order, as asked'}; or fewer, separated by spaces
          </span>
        </div>
        <div class="field">
          <label for={`hours-${id}`}>Hours</label>
          <input
            id={`hours-${id}`}
            name="durationHours"
            type="number"
            min={1}
            max={r.durationHours}
            value={String(r.durationHours)}
          />
        </div>
        <button type="submit">Approve</button>
      </form>
      <form method="post" action={deny} aria-label={`Deny request ${id}`}>
        {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
        <div class="field">
          <label for={`deny-reason-${id}`}>Reason for denying (optional)</label>
          <input id={`deny-reason-${id}`} name="reason" maxLength={MAX_REQUEST_REASON} autocomplete="off" />
        </div>
        <button type="submit" class="secondary">
          Deny
        </button>
      </form>
    </article>
  );
}
