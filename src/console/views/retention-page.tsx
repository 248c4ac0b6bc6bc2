import type { AuditEntryView } from '../../audit/audit.mapper';
import type { LegalHoldView, RetentionPolicyView, RetentionStatus } from '../../retention';
import type { PageContext } from '../page-context';
import { duration, when } from './format';
import { Layout } from './layout';

export const RECEIPTS_SHOWN = 10;

const Csrf = ({ ctx }: { ctx: PageContext }) =>
  ctx.session ? <input type="hidden" name="_csrf" value={ctx.session.csrfToken} /> : null;

const MARKETPLACE_NAMES: Record<string, string> = { amazon: 'Amazon', ebay: 'eBay' };
const marketplaceName = (m: string) => MARKETPLACE_NAMES[m] ?? m;

const orderCount = (targets: unknown): number | null => {
  const ids = (targets as { orderIds?: unknown } | null)?.orderIds;
  return Array.isArray(ids) ? ids.length : null;
};

/** The seller's retention: windows and caps, where buyer data stands, destruction receipts, legal holds. */
export function RetentionPage(props: {
  ctx: PageContext;
  policy: RetentionPolicyView;
  status: RetentionStatus;
  legalHolds: LegalHoldView[];
  /** Null when the person may not read the access log the receipts are in. */
  receipts: AuditEntryView[] | null;
  sweepSeconds: number;
}) {
  const { ctx, policy, status } = props;
  const statusOf = (m: string) => status.marketplaces.find((s) => s.marketplace === m);
  const lastDestruction = props.receipts?.[0]?.occurredAt ?? null;
  return (
    <Layout title="Retention" ctx={ctx}>
      <h1>Retention</h1>
      <p>
        Buyer data (names, addresses, contact details) is destroyed when its window ends; the order record without it is
        kept longer. A sweep runs every {duration(props.sweepSeconds)}, so nothing stays more than that past its due
        date unless a legal hold keeps it.
        {props.receipts ? ` Last destruction: ${when(lastDestruction)}.` : ''}
      </p>
      <h2>Windows</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Marketplace</th>
            <th scope="col">Buyer-data window</th>
            <th scope="col">Cap</th>
            <th scope="col">Order records kept</th>
            <th scope="col">Change the window</th>
          </tr>
        </thead>
        <tbody>
          {policy.marketplaces.map((m) => (
            <tr key={m.marketplace}>
              <td>{marketplaceName(m.marketplace)}</td>
              <td>
                {m.piiWindowDays} days{m.isDefault ? ' (default: the cap)' : ''}
              </td>
              <td>
                {m.piiWindowCapDays} days ({m.piiWindowCapBasis})
              </td>
              <td>
                {m.orderRecordMonths} months{m.orderRecordBasis ? ` (${m.orderRecordBasis})` : ''}
              </td>
              <td>
                <form method="post" action="/console/retention" class="actions">
                  <Csrf ctx={ctx} />
                  <input type="hidden" name="marketplace" value={m.marketplace} />
                  <label for={`window-${m.marketplace}`}>Days</label>
                  <input
                    id={`window-${m.marketplace}`}
                    name="piiWindowDays"
                    type="number"
                    min={0}
                    max={m.piiWindowCapDays}
                    required
                    value={String(m.piiWindowDays)}
                  />
                  <button
                    type="submit"
                    class="secondary"
                    aria-label={`Set the ${marketplaceName(m.marketplace)} window`}
                  >
                    Set
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Status</h2>
      <p>As of {when(status.asOf)}.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Marketplace</th>
            <th scope="col">Orders with buyer data</th>
            <th scope="col">Due within 7 days</th>
            <th scope="col">Awaiting destruction (next sweep)</th>
            <th scope="col">Kept by a legal hold</th>
            <th scope="col">Next due</th>
            <th scope="col">Destroyed in 30 days</th>
          </tr>
        </thead>
        <tbody>
          {policy.marketplaces.map((m) => {
            const s = statusOf(m.marketplace);
            return (
              <tr key={m.marketplace}>
                <td>{marketplaceName(m.marketplace)}</td>
                <td>{s?.withBuyerData ?? 0}</td>
                <td>{s?.dueIn7Days ?? 0}</td>
                <td>{s?.overdue ?? 0}</td>
                <td>{s ? `${s.held} (${s.heldOverdue} past due)` : '0'}</td>
                <td>{when(s?.earliestDueAt ?? null, 'nothing due')}</td>
                <td>{s?.destroyedLast30Days ?? 0}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {props.receipts ? (
        <section class="panel" aria-labelledby="receipts-heading">
          <h2 id="receipts-heading">Recent destruction receipts</h2>
          {props.receipts.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Orders</th>
                  <th scope="col">Policy applied</th>
                  <th scope="col">Entry</th>
                </tr>
              </thead>
              <tbody>
                {props.receipts.map((r) => (
                  <tr key={`${r.chainId}:${r.seq}`}>
                    <td>{when(r.occurredAt)}</td>
                    <td>{orderCount(r.targets) ?? '—'}</td>
                    <td>{r.reason ?? ''}</td>
                    <td>
                      <code>{`#${r.seq} ${r.hash.slice(0, 12)}…`}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No buyer data has been destroyed yet.</p>
          )}
          <p>
            <a href="/console/audit?action=pii.destroyed">Every receipt in the access log</a>
          </p>
        </section>
      ) : null}
      <h2>Legal holds</h2>
      <p>
        Data under a legal hold is not destroyed until the hold ends. Holds are placed and released through the API.
      </p>
      {props.legalHolds.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Covers</th>
              <th scope="col">Reason</th>
              <th scope="col">Requested by</th>
              <th scope="col">Placed</th>
              <th scope="col">Until</th>
            </tr>
          </thead>
          <tbody>
            {props.legalHolds.map((hold) => (
              <tr key={hold.holdId}>
                <td>{hold.status}</td>
                <td>{hold.scope === 'tenant' ? 'all data' : `${hold.orderIds?.length ?? 0} order(s)`}</td>
                <td>{hold.reason}</td>
                <td>{hold.requester}</td>
                <td>{when(hold.placedAt)}</td>
                <td>{hold.releasedAt ? `released ${when(hold.releasedAt)}` : when(hold.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No legal holds.</p>
      )}
    </Layout>
  );
}
