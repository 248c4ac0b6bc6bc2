import type { ReplayView } from '../../delivery/replay/delivery-replay.mapper';
import type { PageContext } from '../page-context';
import { when } from './format';
import { Layout } from './layout';
import { tenantHref, useTenantHref } from './tenant-links';

/** Polled every 2 s while the replay runs (htmx swaps this element for its next state); a plain page refreshes by link. */
export function ReplayProgress({ replay: r }: { replay: ReplayView }) {
  const running = r.status !== 'done';
  const href = useTenantHref();
  const attrs = running
    ? { 'hx-get': href(`/console/replays/${r.replayId}/progress`), 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
    : {};
  const share = r.toReplay ? Math.round((100 * r.replayed) / r.toReplay) : r.status === 'done' ? 100 : 0;
  return (
    <div id="replay-progress" class="panel" role="status" aria-live="polite" {...attrs}>
      <p>
        <strong>{r.status === 'done' ? 'Done' : r.status === 'running' ? 'Running' : 'Queued'}</strong>: {r.replayed}
        {r.toReplay !== null ? ` of ${r.toReplay}` : ''} failed delivery(ies) sent again
        {r.status === 'done' ? `, ${r.queued} missed event(s) queued` : ''}.
      </p>
      <progress max={100} value={share} aria-label="Recovered so far">
        {share}%
      </progress>
      <p class="hint">
        Asked {when(r.requestedAt)}
        {r.startedAt ? `, started ${when(r.startedAt)}` : ''}
        {r.finishedAt ? `, finished ${when(r.finishedAt)}` : ''}.
      </p>
      {running ? (
        <p>
          <a href={href(`/console/replays/${r.replayId}`)}>Refresh</a>
        </p>
      ) : null}
    </div>
  );
}

/** A recovery of an endpoint's failed deliveries, with its progress. */
export function ReplayPage({ ctx, replay: r }: { ctx: PageContext; replay: ReplayView }) {
  const href = tenantHref(ctx);
  return (
    <Layout title="Recovering failed deliveries" ctx={ctx}>
      <p>
        <a href={href(`/console/endpoints/${r.endpointId}`)}>Back to the endpoint</a>
      </p>
      <h1>Recovering failed deliveries since {when(r.since)}</h1>
      <ReplayProgress replay={r} />
      <p>
        Deliveries made due again go out in each order's version order; follow them in{' '}
        <a href={href(`/console/endpoints/${r.endpointId}/deliveries`)}>the endpoint's deliveries</a>.
      </p>
    </Layout>
  );
}
