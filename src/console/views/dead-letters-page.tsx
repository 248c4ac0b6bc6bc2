import type { DeadLetterView } from '../../sync/dead-letter.mapper';
import type { DeadLetterPage } from '../../sync/dead-letters.service';
import type { PageContext } from '../page-context';
import { when } from './format';
import { Layout } from './layout';
import { TenantField, tenantHref } from './tenant-links';

export const DEAD_LETTERS_PER_PAGE = 50;

/** The filters as they travel in the URL (empty: any). */
export interface DeadLetterFilterValues {
  readonly connectionId: string;
  readonly marketplace: string;
  readonly reasonCode: string;
  readonly state: 'open' | 'resolved' | 'all';
}

const REPLAY_LABELS: Record<DeadLetterView['replay']['state'], string> = {
  scheduled: 'scheduled',
  requested: 'requested',
  gave_up: 'gave up',
  never: 'not replayable',
  none: '—',
};

function replayText(r: DeadLetterView['replay']): string {
  if (r.state === 'scheduled') return `scheduled ${when(r.nextAt)}`;
  if (r.state === 'requested') return `requested ${when(r.requestedAt)}`;
  if (r.state === 'gave_up') return `gave up ${when(r.gaveUpAt)}`;
  return REPLAY_LABELS[r.state];
}

function resolvedText(d: DeadLetterView): string {
  if (d.state === 'open') return 'open';
  const how = d.resolution ? ` (${d.resolution.replace(/_/g, ' ')})` : '';
  return `resolved ${when(d.resolvedAt)}${how}`;
}

const query = (values: Record<string, string>) =>
  new URLSearchParams(Object.entries(values).filter(([, v]) => v !== '')).toString();

/** Dead letters: what could not be read and why, replay and resolution; never the buyer data or payload. */
export function DeadLettersPage(props: { ctx: PageContext; filters: DeadLetterFilterValues; page: DeadLetterPage }) {
  const { ctx, filters, page } = props;
  const next = page.nextCursor
    ? tenantHref(ctx)(`/console/dead-letters?${query({ ...filters, cursor: page.nextCursor })}`)
    : null;
  return (
    <Layout title="Dead letters" ctx={ctx}>
      <h1>Dead letters</h1>
      <p>
        Orders the sync could not read. Each is fetched again on a schedule; one that reads fine later is resolved by
        itself.
      </p>
      <form method="get" action="/console/dead-letters" class="panel" role="search" aria-label="Filter dead letters">
        <TenantField />
        {filters.connectionId ? <input type="hidden" name="connectionId" value={filters.connectionId} /> : null}
        <div class="filters">
          <div class="field">
            <label for="dl-marketplace">Marketplace</label>
            <select id="dl-marketplace" name="marketplace">
              <option value="" selected={filters.marketplace === ''}>
                any
              </option>
              <option value="amazon" selected={filters.marketplace === 'amazon'}>
                Amazon
              </option>
              <option value="ebay" selected={filters.marketplace === 'ebay'}>
                eBay
              </option>
            </select>
          </div>
          <div class="field">
            <label for="dl-reason">Reason code</label>
            <input id="dl-reason" name="reasonCode" value={filters.reasonCode} maxLength={64} />
          </div>
          <div class="field">
            <label for="dl-state">State</label>
            <select id="dl-state" name="state">
              {(['open', 'resolved', 'all'] as const).map((s) => (
                <option key={s} value={s} selected={filters.state === s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Apply filters</button>
        </div>
      </form>
      {page.items.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Marketplace</th>
              <th scope="col">Order id</th>
              <th scope="col">Reason</th>
              <th scope="col">Detail</th>
              <th scope="col">Attempts</th>
              <th scope="col">First seen</th>
              <th scope="col">Replay</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr key={d.deadLetterId}>
                <td>{d.marketplace}</td>
                <td>
                  <code>{d.marketplaceOrderId}</code>
                </td>
                <td>
                  <code>{d.reasonCode}</code>
                </td>
                <td>{d.reasonDetail}</td>
                <td>{d.attempts}</td>
                <td>{when(d.firstSeenAt)}</td>
                <td>{replayText(d.replay)}</td>
                <td>{resolvedText(d)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No dead letters match these filters.</p>
      )}
      {next ? (
        <p>
          <a href={next}>Next page</a>
        </p>
      ) : null}
    </Layout>
  );
}
