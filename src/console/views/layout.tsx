import type { ComponentChildren } from 'preact';
import { holds } from '../../access/access-policy';
import { Permissions } from '../../auth';
import { consoleAssets } from '../console-assets';
import type { PageContext } from '../page-context';
import { ActingTenant, withTenant } from './tenant-links';

/** The frame of every page: head with our own stylesheet and htmx, top bar with navigation and sign-out. */
export function Layout(props: {
  title: string;
  ctx: PageContext;
  /** A same-origin path the browser goes on to at once (a landing page between sites; the page says where). */
  refreshTo?: string;
  children: ComponentChildren;
}) {
  const { htmx, css } = consoleAssets();
  const csrf = props.ctx.session?.csrfToken;
  // htmx 4 does not inherit hx-headers unless told to (`:inherited`); every htmx request then carries the token.
  const bodyAttributes = csrf ? { 'hx-headers:inherited': JSON.stringify({ 'X-CSRF-Token': csrf }) } : {};
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
        <title>{`${props.title} · ordervault`}</title>
        {props.refreshTo?.startsWith('/') ? <meta http-equiv="refresh" content={`0;url=${props.refreshTo}`} /> : null}
        <link rel="stylesheet" href={css.path} integrity={css.integrity} />
        <script src={htmx.path} integrity={htmx.integrity} defer />
      </head>
      <body {...bodyAttributes}>
        <ActingTenant.Provider value={props.ctx.actingTenantId}>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/console">
              ordervault console
            </a>
            <Navigation ctx={props.ctx} />
            <Who ctx={props.ctx} />
          </header>
          {props.ctx.actingTenantId ? (
            <ActingTenantBar tenantId={props.ctx.actingTenantId} name={props.ctx.actingTenantName} />
          ) : null}
          <main id="main">{props.children}</main>
        </ActingTenant.Provider>
      </body>
    </html>
  );
}

function Navigation({ ctx }: { ctx: PageContext }) {
  const p = ctx.principal;
  if (!p) return null;
  const links: Array<[string, string]> = [];
  if (p.kind === 'seller' && holds(p, Permissions.ORDERS_READ)) links.push(['/console/orders', 'Orders']);
  if (p.kind === 'seller' && holds(p, Permissions.ENDPOINTS_READ)) links.push(['/console/endpoints', 'Webhooks']);
  if (holds(p, Permissions.AUDIT_READ)) links.push(['/console/audit', 'Access log']);
  if (holds(p, Permissions.AUDIT_READ)) links.push(['/console/audit/verification', 'Log integrity']);
  if (holds(p, Permissions.AUDIT_READ)) links.push(['/console/staff-access', 'Staff access']);
  if (p.kind === 'staff' && holds(p, Permissions.TENANTS_READ)) links.push(['/console/tenants', 'Tenants']);
  if (p.kind === 'staff' && holds(p, Permissions.ACCESS_REQUESTS_CREATE)) {
    links.push(['/console/access-requests', 'Access requests']);
  }
  // A staff member looking at one seller: that seller's pages their role may read (the seller's grant decides).
  const t = ctx.actingTenantId;
  if (t && p.kind === 'staff' && holds(p, Permissions.ORDERS_READ)) {
    links.push([withTenant('/console/orders', t), 'Orders']);
    links.push([withTenant('/console/dead-letters', t), 'Dead letters']);
  }
  if (t && p.kind === 'staff' && holds(p, Permissions.ENDPOINTS_READ)) {
    links.push([withTenant('/console/endpoints', t), 'Webhooks']);
  }
  if (t && p.kind === 'staff' && holds(p, Permissions.CONNECTIONS_MANAGE)) {
    links.push([withTenant('/console/accounts', t), 'Accounts']);
  }
  if (p.kind === 'seller' && holds(p, Permissions.USERS_MANAGE)) links.push(['/console/users', 'Users']);
  if (p.kind === 'seller' && holds(p, Permissions.KEYS_MANAGE)) links.push(['/console/api-keys', 'API keys']);
  if (p.kind === 'seller' && holds(p, Permissions.CONNECTIONS_MANAGE)) links.push(['/console/accounts', 'Accounts']);
  if (p.kind === 'seller' && holds(p, Permissions.ORDERS_READ)) links.push(['/console/dead-letters', 'Dead letters']);
  if (p.kind === 'seller' && holds(p, Permissions.RETENTION_MANAGE)) links.push(['/console/retention', 'Retention']);
  if (ctx.session) links.push(['/console/passkeys', 'Passkeys']);
  if (!links.length) return null;
  return (
    <nav aria-label="Console">
      <ul>
        {links.map(([href, label]) => (
          <li key={href}>
            <a href={href}>{label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Whose data a staff member's page shows, and the way back to every tenant. */
function ActingTenantBar({ tenantId, name }: { tenantId: string; name: string | null }) {
  return (
    <p class="acting-tenant" role="note">
      Seller <strong>{name ?? 'unnamed'}</strong> <code>{tenantId}</code>: you see what this seller's grant lets you
      see; every reveal is in their access log. <a href="/console/tenants">All tenants</a>
    </p>
  );
}

function Who({ ctx }: { ctx: PageContext }) {
  const p = ctx.principal;
  if (!p) return null;
  const label =
    p.kind === 'staff'
      ? `${ctx.session?.displayName ?? 'staff member'} (${p.role})`
      : p.kind === 'seller'
        ? (ctx.session?.displayName ?? `seller key ${p.keyId}`)
        : p.id;
  return (
    <div class="who">
      <span>Signed in as {label}</span>
      {ctx.session ? <SignOut csrf={ctx.session.csrfToken} /> : null}
    </div>
  );
}

function SignOut({ csrf }: { csrf: string }) {
  return (
    <form method="post" action="/console/sign-out" class="actions">
      <input type="hidden" name="_csrf" value={csrf} />
      <button type="submit" class="secondary">
        Sign out
      </button>
      <button type="submit" class="secondary" name="everywhere" value="yes">
        Sign out everywhere
      </button>
    </form>
  );
}
