import type { ConnectionView } from '../../connections/connection.mapper';
import type { ConsentOutcome } from '../../connections/oauth';
import type { ConnectionHealthView, SyncHealthState } from '../../sync/sync-health';
import type { PageContext } from '../page-context';
import { duration, when } from './format';
import { Layout } from './layout';
import { withTenant } from './tenant-links';

const Csrf = ({ ctx }: { ctx: PageContext }) =>
  ctx.session ? <input type="hidden" name="_csrf" value={ctx.session.csrfToken} /> : null;

const STATE_LABELS: Record<SyncHealthState, string> = {
  on_time: 'On time',
  delayed: 'Delayed',
  action_required: 'Action required',
  disconnected: 'Disconnected',
};

const STATE_CLASSES: Record<SyncHealthState, string> = {
  on_time: 'tag allowed',
  delayed: 'tag',
  action_required: 'tag denied',
  disconnected: 'tag',
};

/** The health as words (the colour only repeats them). */
const HealthBadge = ({ state }: { state: SyncHealthState }) => (
  <span class={STATE_CLASSES[state]}>{STATE_LABELS[state]}</span>
);

const MARKETPLACE_NAMES: Record<string, string> = { amazon: 'Amazon', ebay: 'eBay' };
const marketplaceName = (m: string) => MARKETPLACE_NAMES[m] ?? m;

/** Starts the marketplace's consent again for the same account's region and marketplaces. */
function ReconnectForm({ ctx, c }: { ctx: PageContext; c: ConnectionView }) {
  const label = `Reconnect ${marketplaceName(c.marketplace)} account ${c.accountId}`;
  if (c.marketplace === 'amazon') {
    return (
      <form method="post" action={withTenant('/console/accounts/connect/amazon', ctx.actingTenantId)}>
        <Csrf ctx={ctx} />
        <input type="hidden" name="region" value={c.region} />
        <input type="hidden" name="marketplaceIds" value={c.marketplaceIds.join(',')} />
        <button type="submit" class="secondary" aria-label={label}>
          Reconnect
        </button>
      </form>
    );
  }
  if (c.marketplace === 'ebay') {
    return (
      <form method="post" action={withTenant('/console/accounts/connect/ebay', ctx.actingTenantId)}>
        <Csrf ctx={ctx} />
        <input type="hidden" name="marketplaceId" value={c.region} />
        <button type="submit" class="secondary" aria-label={label}>
          Reconnect
        </button>
      </form>
    );
  }
  return null;
}

/** The seller's marketplace accounts with their sync health; connect another or reconnect one. */
export function AccountsPage(props: {
  ctx: PageContext;
  accounts: ConnectionHealthView[];
  consent?: { outcome: ConsentOutcome; marketplace: string; connectionId: string | null };
}) {
  const { ctx, consent } = props;
  const connected = consent && props.accounts.find((a) => a.connection.connectionId === consent.connectionId);
  return (
    <Layout title="Marketplace accounts" ctx={ctx}>
      <h1>Marketplace accounts</h1>
      {consent ? (
        <ConsentNotice
          outcome={consent.outcome}
          marketplace={consent.marketplace}
          account={connected ? connected.connection.accountId : null}
        />
      ) : null}
      {props.accounts.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Marketplace</th>
              <th scope="col">Health</th>
              <th scope="col">Lag</th>
              <th scope="col">Last success</th>
              <th scope="col">Next run</th>
              <th scope="col">Reason</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.accounts.map((a) => (
              <tr key={a.connection.connectionId}>
                <td>
                  {a.connection.displayName}
                  <br />
                  <code>{a.connection.accountId}</code>
                </td>
                <td>
                  {marketplaceName(a.connection.marketplace)} ({a.connection.region}
                  {a.connection.marketplaceIds.length ? `: ${a.connection.marketplaceIds.join(', ')}` : ''})
                </td>
                <td>
                  <HealthBadge state={a.state} />
                </td>
                <td>{a.lagSeconds === null ? 'not synced yet' : duration(a.lagSeconds)}</td>
                <td>{when(a.lastSuccessAt)}</td>
                <td>{when(a.nextRunAt, 'not scheduled')}</td>
                <td>{a.reason ?? ''}</td>
                <td>
                  <ReconnectForm ctx={ctx} c={a.connection} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No marketplace account is connected yet.</p>
      )}
      <section class="panel" aria-labelledby="connect-amazon-heading">
        <h2 id="connect-amazon-heading">Connect an Amazon account</h2>
        <p>You sign in at Amazon Seller Central and authorise ordervault; Amazon sends you back here.</p>
        <form method="post" action={withTenant('/console/accounts/connect/amazon', ctx.actingTenantId)}>
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="amazon-region">Region</label>
            <select id="amazon-region" name="region">
              <option value="eu">Europe (eu)</option>
              <option value="na">North America (na)</option>
              <option value="fe">Far East (fe)</option>
            </select>
          </div>
          <div class="field">
            <label for="amazon-marketplaces">Marketplace ids (comma-separated)</label>
            <input
              id="amazon-marketplaces"
              name="marketplaceIds"
              required
              maxLength={900}
              placeholder="A1PA6795UKMFR9,A13V1IB3VIYZZH"
            />
          </div>
          <button type="submit">Connect Amazon account</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="connect-ebay-heading">
        <h2 id="connect-ebay-heading">Connect an eBay account</h2>
        <p>You sign in at eBay and grant ordervault access; eBay sends you back here.</p>
        <form method="post" action={withTenant('/console/accounts/connect/ebay', ctx.actingTenantId)}>
          <Csrf ctx={ctx} />
          <div class="field">
            <label for="ebay-marketplace">eBay marketplace id</label>
            <input id="ebay-marketplace" name="marketplaceId" required maxLength={16} placeholder="EBAY_DE" />
          </div>
          <button type="submit">Connect eBay account</button>
        </form>
      </section>
    </Layout>
  );
}

const OUTCOME_WORDS: Record<ConsentOutcome, string> = {
  connected: 'is connected. Its first sync starts within a minute.',
  declined: 'was not connected: the authorisation was declined at the marketplace.',
  link_expired: 'was not connected: the authorisation link expired or was already used. Start the connection again.',
  code_rejected:
    'was not connected: the marketplace refused the authorisation code (it is valid for minutes only). Start again.',
  not_configured:
    'was not connected: this server is not configured for the marketplace yet. Your operator has to set it up.',
  marketplace_unavailable: 'was not connected: the marketplace did not answer as expected. Try again in a moment.',
  failed: 'was not connected. Start the connection again.',
};

/** How the marketplace's consent ended, in words (the outcome arrives as a code; nothing of an error's text). */
export function ConsentNotice(props: { outcome: ConsentOutcome; marketplace: string; account: string | null }) {
  const ok = props.outcome === 'connected';
  const what = `Your ${marketplaceName(props.marketplace)} account${props.account ? ` ${props.account}` : ''}`;
  return (
    <div class={ok ? 'notice' : 'error'} role={ok ? 'status' : 'alert'}>
      {what} {OUTCOME_WORDS[props.outcome]}
    </div>
  );
}

/**
 * Where the marketplace sends the browser back to. The session cookie is `SameSite=Strict`, so a request that
 * arrives through another site's redirect carries none; this page (which shows nothing of the seller) sends the
 * browser on from our own origin, and that request does carry it.
 */
export function ConsentResultPage(props: {
  ctx: PageContext;
  outcome: ConsentOutcome;
  marketplace: string;
  next: string;
}) {
  return (
    <Layout title="Marketplace authorisation" ctx={props.ctx} refreshTo={props.next}>
      <h1>Back from {marketplaceName(props.marketplace)}</h1>
      <ConsentNotice outcome={props.outcome} marketplace={props.marketplace} account={null} />
      <p>
        <a href={props.next}>Continue to your marketplace accounts</a>
      </p>
    </Layout>
  );
}
