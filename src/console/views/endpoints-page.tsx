import type { EndpointStatsView } from '../../delivery/dispatch/delivery.mapper';
import type {
  EndpointView,
  EndpointWithSecretView,
  MissedWhileDisabled,
} from '../../delivery/endpoints/endpoint.mapper';
import { MAX_DESCRIPTION_LENGTH, MAX_RATE_LIMIT } from '../../delivery/endpoints/endpoint-input';
import { SUBSCRIBABLE_EVENT_TYPES } from '../../delivery/event-types';
import { PAYLOAD_MODES } from '../../delivery/payload-modes';
import type { ReplayView } from '../../delivery/replay/delivery-replay.mapper';
import type { PageContext } from '../page-context';
import { Csrf } from './form-parts';
import { when } from './format';
import { Layout } from './layout';
import { tenantHref } from './tenant-links';

export interface EndpointRow {
  readonly endpoint: EndpointView;
  readonly stats: EndpointStatsView;
}

const PAYLOAD_MODE_HINTS: Record<string, string> = {
  thin: 'ids, status and a link; your system fetches buyer data through an audited reveal',
  full: 'the order with its buyer data (each send is in the access log)',
  sealed: 'buyer data sealed to your X25519 public key; the rest in clear',
};

/** What the endpoint's state is, in words (never colour alone). */
export function endpointState(e: EndpointView): string {
  if (e.enabled) return e.failingSince ? `failing since ${when(e.failingSince)}` : 'active';
  if (e.disabledReason === 'manual') return 'paused';
  return `disabled (${e.disabledReason ?? 'unknown'})`;
}

const events = (e: EndpointView) => (e.eventTypes.length ? e.eventTypes.join(', ') : 'every order event');

/** The tenant's webhook endpoints with their last day's figures, and a form to add one. */
export function EndpointsPage(props: { ctx: PageContext; rows: EndpointRow[]; canManage: boolean }) {
  const { ctx } = props;
  const href = tenantHref(ctx);
  return (
    <Layout title="Webhook endpoints" ctx={ctx}>
      <h1>Webhook endpoints</h1>
      <p>
        Where ordervault sends your orders. Every request is signed (Standard Webhooks); see the{' '}
        <a href={href('/console/event-types')}>event catalog</a> for what each event carries.
      </p>
      {props.rows.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">State</th>
              <th scope="col">Payload</th>
              <th scope="col">Events</th>
              <th scope="col">Last 24 h</th>
              <th scope="col">Backlog</th>
              <th scope="col">Last success</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map(({ endpoint: e, stats: s }) => (
              <tr key={e.endpointId}>
                <td>
                  <a href={href(`/console/endpoints/${e.endpointId}`)}>{e.url}</a>
                  {e.description ? <div class="hint">{e.description}</div> : null}
                </td>
                <td>{endpointState(e)}</td>
                <td>{e.payloadMode}</td>
                <td>{events(e)}</td>
                <td>
                  {s.attempts.last24Hours.succeeded} ok, {s.attempts.last24Hours.failed} failed
                </td>
                <td>{s.backlog.pending}</td>
                <td>{when(s.lastSuccessAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No endpoints yet.</p>
      )}
      {props.canManage ? (
        <section class="panel" aria-labelledby="add-endpoint-heading">
          <h2 id="add-endpoint-heading">Add an endpoint</h2>
          <form method="post" action="/console/endpoints">
            <Csrf ctx={ctx} />
            <div class="field">
              <label for="endpoint-url">URL</label>
              <input id="endpoint-url" name="url" type="url" required maxLength={2048} placeholder="https://" />
            </div>
            <EndpointFields />
            <button type="submit">Add endpoint</button>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

/** The fields an endpoint is created and edited with. */
function EndpointFields(props: { endpoint?: EndpointView }) {
  const e = props.endpoint;
  return (
    <>
      <div class="field">
        <label for="endpoint-description">Description</label>
        <input
          id="endpoint-description"
          name="description"
          maxLength={MAX_DESCRIPTION_LENGTH}
          value={e?.description ?? ''}
        />
      </div>
      <fieldset>
        <legend>Event types (none ticked: every order event)</legend>
        {SUBSCRIBABLE_EVENT_TYPES.map((t) => (
          <div key={t}>
            <input
              type="checkbox"
              id={`event-${t}`}
              name="eventTypes"
              value={t}
              checked={e ? e.eventTypes.includes(t) : false}
            />{' '}
            <label for={`event-${t}`}>{t}</label>
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Payload</legend>
        {PAYLOAD_MODES.map((m) => (
          <div key={m}>
            <input
              type="radio"
              id={`mode-${m}`}
              name="payloadMode"
              value={m}
              checked={(e?.payloadMode ?? 'thin') === m}
              required
            />{' '}
            <label for={`mode-${m}`}>
              {m}: {PAYLOAD_MODE_HINTS[m]}
            </label>
          </div>
        ))}
      </fieldset>
      <div class="field">
        <label for="endpoint-sealing-key">X25519 public key for sealed payloads (base64)</label>
        <input id="endpoint-sealing-key" name="sealingPublicKey" maxLength={44} value={e?.sealingPublicKey ?? ''} />
      </div>
      <div class="field">
        <label for="endpoint-rate">Rate limit, requests per second (empty: none)</label>
        <input
          id="endpoint-rate"
          name="rateLimitPerSecond"
          type="number"
          min={1}
          max={MAX_RATE_LIMIT}
          value={e?.rateLimitPerSecond ?? ''}
        />
      </div>
    </>
  );
}

/** The signing secret, shown this once (at creation and at each rotation). */
export function EndpointSecretPage(props: { ctx: PageContext; endpoint: EndpointWithSecretView; rotated: boolean }) {
  const e = props.endpoint;
  return (
    <Layout title={props.rotated ? 'Signing secret rotated' : 'Endpoint added'} ctx={props.ctx}>
      <h1>{props.rotated ? 'Signing secret rotated' : 'Endpoint added'}</h1>
      <div class="notice" role="status">
        <p>
          Signing secret for <strong>{e.url}</strong>. Copy it now: it is shown once and cannot be shown again.
          {props.rotated && e.previousSecretsExpireAt
            ? ` The previous secret also signs until ${when(e.previousSecretsExpireAt)}.`
            : ''}
        </p>
        <p>
          <code class="secret">{e.secret}</code>
        </p>
      </div>
      <p>
        <a href={`/console/endpoints/${e.endpointId}`}>Go to the endpoint</a>
      </p>
    </Layout>
  );
}

/** One endpoint: its state and figures, and (for those who manage endpoints) every action on it. */
export function EndpointPage(props: {
  ctx: PageContext;
  endpoint: EndpointView;
  stats: EndpointStatsView;
  replays: ReplayView[];
  canManage: boolean;
  missed?: MissedWhileDisabled;
}) {
  const { ctx, endpoint: e, stats: s } = props;
  const base = `/console/endpoints/${e.endpointId}`;
  const href = tenantHref(ctx);
  return (
    <Layout title="Webhook endpoint" ctx={ctx}>
      <p>
        <a href={href('/console/endpoints')}>All endpoints</a>
      </p>
      <h1>{e.url}</h1>
      {props.missed ? <MissedNotice missed={props.missed} /> : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>{endpointState(e)}</dd>
        <dt>Description</dt>
        <dd>{e.description || '-'}</dd>
        <dt>Payload</dt>
        <dd>{e.payloadMode}</dd>
        <dt>Events</dt>
        <dd>{events(e)}</dd>
        <dt>Rate limit</dt>
        <dd>{e.rateLimitPerSecond ? `${e.rateLimitPerSecond} requests/s` : 'none'}</dd>
        <dt>Previous secret signs until</dt>
        <dd>{when(e.previousSecretsExpireAt, 'no previous secret')}</dd>
        {e.signingPublicKey ? (
          <>
            <dt>Ed25519 public key (v1a)</dt>
            <dd>
              <code>{e.signingPublicKey}</code>
            </dd>
          </>
        ) : null}
        <dt>Attempts</dt>
        <dd>
          last hour {s.attempts.lastHour.succeeded} ok / {s.attempts.lastHour.failed} failed; 24 h{' '}
          {s.attempts.last24Hours.succeeded} / {s.attempts.last24Hours.failed}; 7 days {s.attempts.last7Days.succeeded}{' '}
          / {s.attempts.last7Days.failed}
        </dd>
        <dt>Last success</dt>
        <dd>{when(s.lastSuccessAt)}</dd>
        <dt>Backlog</dt>
        <dd>
          {s.backlog.pending} waiting
          {s.backlog.oldestPendingSince ? `, oldest since ${when(s.backlog.oldestPendingSince)}` : ''}
        </dd>
      </dl>
      <p>
        <a href={href(`${base}/deliveries`)}>Deliveries</a> ·{' '}
        <a href={href(`${base}/deliveries?status=failed`)}>Failed deliveries</a>
      </p>
      {props.canManage ? <EndpointActions ctx={ctx} endpoint={e} /> : null}
      <section class="panel" aria-labelledby="replays-heading">
        <h2 id="replays-heading">Recover failed deliveries</h2>
        {props.canManage ? (
          <form method="post" action={`${base}/replay`}>
            <Csrf ctx={ctx} />
            <fieldset>
              <legend>Send again every failed delivery created since</legend>
              {(
                [
                  ['1h', 'an hour ago'],
                  ['24h', '24 hours ago'],
                  ['7d', '7 days ago'],
                  ['at', 'this instant:'],
                ] as const
              ).map(([value, label]) => (
                <div key={value}>
                  <input
                    type="radio"
                    id={`since-${value}`}
                    name="preset"
                    value={value}
                    checked={value === (props.missed ? 'at' : '24h')}
                  />{' '}
                  <label for={`since-${value}`}>{label}</label>
                </div>
              ))}
              <label for="since-at-value" class="hint">
                Instant (UTC), e.g. 2026-11-02T10:00Z
              </label>
              <input id="since-at-value" name="since" maxLength={64} value={props.missed?.since ?? ''} />
            </fieldset>
            <button type="submit">Recover failed deliveries</button>
          </form>
        ) : null}
        {props.replays.length ? (
          <ul>
            {props.replays.map((r) => (
              <li key={r.replayId}>
                <a href={href(`/console/replays/${r.replayId}`)}>since {when(r.since)}</a>: {r.status}, {r.replayed}{' '}
                sent again, {r.queued} missed events queued
              </li>
            ))}
          </ul>
        ) : (
          <p>No recoveries yet.</p>
        )}
      </section>
    </Layout>
  );
}

function EndpointActions({ ctx, endpoint: e }: { ctx: PageContext; endpoint: EndpointView }) {
  const base = `/console/endpoints/${e.endpointId}`;
  return (
    <>
      <section class="panel" aria-labelledby="edit-heading">
        <h2 id="edit-heading">Edit</h2>
        <form method="post" action={base}>
          <Csrf ctx={ctx} />
          <EndpointFields endpoint={e} />
          <button type="submit">Save</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="actions-heading">
        <h2 id="actions-heading">Actions</h2>
        <div class="actions">
          <form method="post" action={`${base}/enabled`}>
            <Csrf ctx={ctx} />
            <input type="hidden" name="enabled" value={e.enabled ? 'no' : 'yes'} />
            <button type="submit" class="secondary">
              {e.enabled ? 'Pause' : 'Resume'}
            </button>
          </form>
          <form method="post" action={`${base}/test`}>
            <Csrf ctx={ctx} />
            <button type="submit" class="secondary">
              Send a test event
            </button>
          </form>
        </div>
        <form method="post" action={`${base}/rotate-secret`}>
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="overlap-hours">Previous secret keeps signing for (hours, at most 168)</label>
            <input id="overlap-hours" name="overlapHours" type="number" min={0} max={168} value={24} required />
          </div>
          <button type="submit" class="secondary">
            Rotate signing secret
          </button>
        </form>
        <form method="post" action={`${base}/delete`}>
          <Csrf ctx={ctx} />
          <div>
            <input type="checkbox" id="delete-confirm" name="confirm" value="yes" required />{' '}
            <label for="delete-confirm">Delete this endpoint: nothing more is sent, its secrets are destroyed</label>
          </div>
          <button type="submit" class="secondary">
            Delete endpoint
          </button>
        </form>
      </section>
    </>
  );
}

function MissedNotice({ missed }: { missed: MissedWhileDisabled }) {
  return (
    <div class="notice" role="status">
      <p>
        Resumed. While it was {missed.disabledReason === 'manual' ? 'paused' : 'disabled'} (since {when(missed.since)}
        ), {missed.failedOrGivenUp} delivery(ies) failed or were given up and {missed.notQueued} event(s) were not
        queued for it. Recover them below: the instant is filled in.
      </p>
    </div>
  );
}
