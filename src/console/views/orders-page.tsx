import type { MaskedOrderView, RevealedOrderView } from '../../orders';
import { MAX_REASON, MAX_TICKET_REF } from '../../access/reveal-input';
import { ORDER_MARKETPLACES, ORDER_STATUSES, ordersPageUrl, type OrderFormValues } from '../order-filter-form';
import type { PageContext } from '../page-context';
import { FilterProblems, Select } from './form-parts';
import { Layout } from './layout';
import { TenantField, tenantHref, useTenantHref } from './tenant-links';

export interface OrderListPage {
  readonly items: MaskedOrderView[];
  readonly nextCursor?: string;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ') : '-');

const BUYER_STATE: Record<MaskedOrderView['buyer']['pii'], string> = {
  sealed: 'sealed (reveal with a reason)',
  none: 'none received',
  destroyed: 'destroyed at the end of its retention window',
};

/** Masked orders: filters kept in the URL, oldest change first, cursor paging as links. No buyer data here. */
export function OrdersPage(props: {
  ctx: PageContext;
  values: OrderFormValues;
  page: OrderListPage | null;
  problems: string[];
}) {
  const v = props.values;
  const href = tenantHref(props.ctx);
  return (
    <Layout title="Orders" ctx={props.ctx}>
      <h1>Orders</h1>
      <form method="get" action="/console/orders" class="panel" role="search" aria-label="Filter orders">
        <TenantField />
        <div class="filters">
          <Select name="marketplace" label="Marketplace" value={v.marketplace} options={ORDER_MARKETPLACES} />
          <Select name="status" label="Status" value={v.status} options={ORDER_STATUSES} />
          <div class="field">
            <label for="updatedSince">Updated since (UTC)</label>
            <input
              id="updatedSince"
              name="updatedSince"
              value={v.updatedSince}
              maxLength={64}
              aria-describedby="updatedSince-hint"
            />
            <span class="hint" id="updatedSince-hint">
              e.g. 2026-11-02T10:00Z
            </span>
          </div>
        </div>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <a href={href('/console/orders')}>Clear</a>
        </div>
      </form>
      <FilterProblems problems={props.problems} />
      {props.page ? <OrderTable page={props.page} values={v} /> : null}
    </Layout>
  );
}

function OrderTable({ page, values }: { page: OrderListPage; values: OrderFormValues }) {
  const href = useTenantHref();
  return (
    <section aria-labelledby="orders-heading">
      <h2 id="orders-heading">Orders</h2>
      {page.items.length === 0 ? (
        <p>No orders match these filters.</p>
      ) : (
        <table>
          <caption>
            {page.items.length} orders, least recently changed first{values.cursor ? ' (later page)' : ''}. Times are
            UTC; buyer data stays sealed.
          </caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Marketplace</th>
              <th scope="col">Status</th>
              <th scope="col">Purchased</th>
              <th scope="col">Updated</th>
              <th scope="col">Total</th>
              <th scope="col">Ship to</th>
              <th scope="col">Buyer data</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((o) => (
              <tr key={o.orderId}>
                <td class="mono">
                  <a href={href(`/console/orders/${o.orderId}`)}>{o.marketplaceOrderId}</a>
                </td>
                <td>{o.marketplace}</td>
                <td>{o.status}</td>
                <td class="mono">{when(o.purchasedAt)}</td>
                <td class="mono">{when(o.updatedAt)}</td>
                <td>{o.totalAmount === null ? '-' : `${o.totalAmount} ${o.currency ?? ''}`.trim()}</td>
                <td>{o.shipToCountry ?? '-'}</td>
                <td>{o.buyer.pii}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="pager">
        {values.cursor ? <a href={href(ordersPageUrl(values))}>First page</a> : null}
        {values.cursor && page.nextCursor ? ' · ' : null}
        {page.nextCursor ? <a href={href(ordersPageUrl(values, page.nextCursor))}>Next page</a> : null}
      </p>
    </section>
  );
}

/**
 * One order, masked. Whoever may reveal sees a form asking why; it posts (with
 * the session's CSRF token) and, with htmx, the buyer data replaces the
 * placeholder below it; without, the page comes back with it filled in.
 */
export function OrderPage(props: { ctx: PageContext; order: MaskedOrderView | RevealedOrderView; mayReveal: boolean }) {
  const o = props.order;
  const revealed = o.buyer.pii === 'revealed' ? (o as RevealedOrderView) : null;
  const href = tenantHref(props.ctx);
  return (
    <Layout title={`Order ${o.marketplaceOrderId}`} ctx={props.ctx}>
      <p>
        <a href={href('/console/orders')}>All orders</a>
      </p>
      <h1>
        Order <span class="mono">{o.marketplaceOrderId}</span>
      </h1>
      <dl class="facts">
        <dt>Order id</dt>
        <dd class="mono">{o.orderId}</dd>
        <dt>Marketplace</dt>
        <dd>
          {o.marketplace}
          {o.salesChannel ? ` (${o.salesChannel})` : ''}
        </dd>
        <dt>Status</dt>
        <dd>
          {o.status} <span class="hint">({o.rawStatus})</span>
        </dd>
        <dt>Purchased</dt>
        <dd class="mono">{when(o.purchasedAt)}</dd>
        <dt>Shipped · delivered · cancelled</dt>
        <dd class="mono">
          {when(o.shippedAt)} · {when(o.deliveredAt)} · {when(o.cancelledAt)}
        </dd>
        <dt>Fulfilment</dt>
        <dd>{o.fulfilmentChannel}</dd>
        <dt>Total</dt>
        <dd>{o.totalAmount === null ? '-' : `${o.totalAmount} ${o.currency ?? ''}`.trim()}</dd>
        <dt>Ship to country</dt>
        <dd>{o.shipToCountry ?? '-'}</dd>
        <dt>Acknowledged</dt>
        <dd class="mono">
          {o.acknowledgement ? `${when(o.acknowledgement.at)} (version ${o.acknowledgement.version})` : 'no'}
        </dd>
        <dt>Version · updated</dt>
        <dd class="mono">
          {o.version} · {when(o.updatedAt)}
        </dd>
      </dl>
      <h2>Items</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Title</th>
            <th scope="col">Quantity</th>
            <th scope="col">Unit price</th>
          </tr>
        </thead>
        <tbody>
          {o.lineItems.map((li) => (
            <tr key={li.lineItemId}>
              <td class="mono">{li.sku ?? '-'}</td>
              <td>{li.title ?? '-'}</td>
              <td>{li.quantity}</td>
              <td>{li.unitPrice === null ? '-' : `${li.unitPrice} ${li.currency ?? ''}`.trim()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-labelledby="buyer-heading" class="panel">
        <h2 id="buyer-heading">Buyer</h2>
        {revealed ? null : <p>Buyer data: {BUYER_STATE[o.buyer.pii as MaskedOrderView['buyer']['pii']]}.</p>}
        {!revealed && props.mayReveal && o.buyer.pii === 'sealed' ? (
          <RevealForm orderId={o.orderId} csrf={props.ctx.session?.csrfToken} />
        ) : null}
        <div id="buyer-data" aria-live="polite">
          {revealed ? <RevealedBuyer order={revealed} /> : null}
        </div>
      </section>
    </Layout>
  );
}

function RevealForm({ orderId, csrf }: { orderId: string; csrf?: string }) {
  const action = useTenantHref()(`/console/orders/${orderId}/reveal`);
  return (
    <form method="post" action={action} hx-post={action} hx-target="#buyer-data" hx-swap="innerHTML">
      {csrf ? <input type="hidden" name="_csrf" value={csrf} /> : null}
      <div class="field">
        <label for="reason">Why do you need this buyer's data?</label>
        <input
          id="reason"
          name="reason"
          required
          maxLength={MAX_REASON}
          aria-describedby="reason-hint"
          autocomplete="off"
        />
        <span class="hint" id="reason-hint">
          Recorded in the access log with your name; the seller sees it.
        </span>
      </div>
      <div class="field">
        <label for="ticketRef">Ticket (optional)</label>
        <input id="ticketRef" name="ticketRef" maxLength={MAX_TICKET_REF} autocomplete="off" />
      </div>
      <button type="submit">Reveal buyer data</button>
    </form>
  );
}

/** The opened buyer data: a fragment for htmx, or part of the order page. */
export function RevealedBuyer({ order }: { order: RevealedOrderView }) {
  const d = order.buyer.data;
  const a = d.shippingAddress;
  return (
    <div class="notice revealed" role="status">
      <p>Revealed for you; this access is in the access log.</p>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{d.buyerName ?? '-'}</dd>
        {d.companyName ? (
          <>
            <dt>Company</dt>
            <dd>{d.companyName}</dd>
          </>
        ) : null}
        <dt>Email</dt>
        <dd>{d.email ?? '-'}</dd>
        <dt>Phone</dt>
        <dd>{d.phone ?? '-'}</dd>
        <dt>Shipping address</dt>
        <dd>
          {a
            ? [
                a.name,
                a.companyName,
                ...a.lines,
                [a.postalCode, a.city].filter(Boolean).join(' '),
                a.region,
                a.countryCode,
              ]
                .filter((line): line is string => Boolean(line))
                .map((line, i) => (
                  <span key={i} class="line">
                    {line}
                  </span>
                ))
            : '-'}
        </dd>
        {d.taxIds.length ? (
          <>
            <dt>Tax ids</dt>
            <dd>{d.taxIds.map((t) => `${t.type ?? 'id'} ${t.value}`).join(', ')}</dd>
          </>
        ) : null}
        {d.giftMessages.length ? (
          <>
            <dt>Gift messages</dt>
            <dd>{d.giftMessages.join(' / ')}</dd>
          </>
        ) : null}
        {d.buyerMarketplaceId ? (
          <>
            <dt>Marketplace buyer id</dt>
            <dd>{d.buyerMarketplaceId}</dd>
          </>
        ) : null}
        {d.notes.length ? (
          <>
            <dt>Notes</dt>
            <dd>{d.notes.join(' / ')}</dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
