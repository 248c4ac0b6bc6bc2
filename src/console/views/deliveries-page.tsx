import type { DeliveryPage as DeliveryPageData } from '../../delivery/dispatch/deliveries.service';
import type { AttemptView, DeliveryView } from '../../delivery/dispatch/delivery.mapper';
import type { EndpointView } from '../../delivery/endpoints/endpoint.mapper';
import { STATUS_FILTERS } from '../../delivery/dispatch/deliveries.service';
import {
  DELIVERY_EVENT_TYPES,
  DELIVERY_PERIODS,
  deliveriesPageUrl,
  type DeliveryFilterValues,
} from '../endpoint-forms';
import type { PageContext } from '../page-context';
import { Csrf, FilterProblems, Select } from './form-parts';
import { when } from './format';
import { Layout } from './layout';
import { TenantField, tenantHref, useTenantHref } from './tenant-links';

const PERIOD_LABELS: Record<string, string> = { '1h': 'last hour', '24h': 'last 24 hours', '7d': 'last 7 days' };

/** An endpoint's deliveries, newest first: filters kept in the URL, cursor paging as links. */
export function DeliveriesPage(props: {
  ctx: PageContext;
  endpoint: EndpointView;
  values: DeliveryFilterValues;
  page: DeliveryPageData | null;
  problems: string[];
}) {
  const { endpoint: e, values: v } = props;
  const href = tenantHref(props.ctx);
  const action = `/console/endpoints/${e.endpointId}/deliveries`;
  return (
    <Layout title="Deliveries" ctx={props.ctx}>
      <p>
        <a href={href(`/console/endpoints/${e.endpointId}`)}>Back to the endpoint</a>
      </p>
      <h1>Deliveries to {e.url}</h1>
      <form method="get" action={action} class="panel" role="search" aria-label="Filter deliveries">
        <TenantField />
        <div class="filters">
          <Select name="status" label="Status" value={v.status} options={STATUS_FILTERS} />
          <Select name="eventType" label="Event type" value={v.eventType} options={DELIVERY_EVENT_TYPES} />
          <div class="field">
            <label for="orderId">Order id</label>
            <input id="orderId" name="orderId" value={v.orderId} maxLength={64} />
          </div>
          <div class="field">
            <label for="period">Queued in</label>
            <select id="period" name="period">
              <option value="">any time</option>
              {DELIVERY_PERIODS.map((p) => (
                <option key={p} value={p} selected={v.period === p}>
                  {PERIOD_LABELS[p]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <a href={href(action)}>Clear</a>
        </div>
      </form>
      <FilterProblems problems={props.problems} />
      {props.page ? <DeliveryTable items={props.page.items} /> : null}
      {props.page?.nextCursor ? (
        <p class="pager">
          <a href={href(deliveriesPageUrl(e.endpointId, { ...v, cursor: props.page.nextCursor }))}>Older deliveries</a>
        </p>
      ) : null}
    </Layout>
  );
}

function DeliveryTable({ items }: { items: DeliveryView[] }) {
  const href = useTenantHref();
  if (!items.length) return <p>No deliveries match.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Queued</th>
          <th scope="col">Event</th>
          <th scope="col">Order</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Last answer</th>
          <th scope="col">Next attempt</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.deliveryId}>
            <td>
              <a href={href(`/console/deliveries/${d.deliveryId}`)}>{when(d.createdAt)}</a>
            </td>
            <td>{d.eventType}</td>
            <td>{d.orderId ? <code>{d.orderId}</code> : '-'}</td>
            <td>{d.status}</td>
            <td>{d.attemptCount}</td>
            <td>{d.lastStatusCode ?? d.lastErrorClass ?? '-'}</td>
            <td>{when(d.nextAttemptAt, '-')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One delivery with every attempt (the receivers' answers are kept sealed and never shown), and a resend. */
export function DeliveryPage(props: {
  ctx: PageContext;
  delivery: DeliveryView & { attempts: AttemptView[] };
  canManage: boolean;
}) {
  const d = props.delivery;
  const href = tenantHref(props.ctx);
  return (
    <Layout title="Delivery" ctx={props.ctx}>
      <p>
        <a href={href(`/console/endpoints/${d.endpointId}/deliveries`)}>Back to the deliveries</a>
      </p>
      <h1>Delivery of {d.eventType}</h1>
      <dl class="facts">
        <dt>webhook-id</dt>
        <dd>
          <code>{d.eventId}</code>
        </dd>
        <dt>Order</dt>
        <dd>{d.orderId ? `${d.orderId} (version ${d.orderVersion})` : '-'}</dd>
        <dt>Status</dt>
        <dd>{d.status}</dd>
        <dt>Next attempt</dt>
        <dd>{when(d.nextAttemptAt, '-')}</dd>
        <dt>Queued</dt>
        <dd>{when(d.createdAt)}</dd>
      </dl>
      {props.canManage ? (
        <form method="post" action={`/console/deliveries/${d.deliveryId}/retry`}>
          <Csrf ctx={props.ctx} />
          <button type="submit">Send again now</button>
        </form>
      ) : null}
      <h2>Attempts</h2>
      {d.attempts.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Result</th>
              <th scope="col">Status code</th>
              <th scope="col">Latency</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Answer kept</th>
            </tr>
          </thead>
          <tbody>
            {d.attempts.map((a) => (
              <tr key={a.attemptNumber}>
                <td>{a.attemptNumber}</td>
                <td>{when(a.attemptedAt)}</td>
                <td>
                  {a.result}
                  {a.counted ? '' : ' (after the lease was lost: not counted)'}
                </td>
                <td>{a.statusCode ?? '-'}</td>
                <td>{a.latencyMs} ms</td>
                <td>{when(a.nextAttemptAt, '-')}</td>
                <td>{a.responseKept ? 'sealed' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Not tried yet.</p>
      )}
    </Layout>
  );
}
