import { holds } from '../../access/access-policy';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../access/people/person-sessions.service';
import { Permissions } from '../../auth';
import type { PageContext } from '../page-context';
import { Layout } from './layout';

export function HomePage({ ctx }: { ctx: PageContext }) {
  const p = ctx.principal;
  const pages: Array<[string, string, string]> = [];
  if (p && p.kind === 'seller' && holds(p, Permissions.ORDERS_READ)) {
    pages.push(['/console/orders', 'Orders', 'your orders, masked; reveal a buyer with a reason']);
  }
  if (p && p.kind === 'staff' && holds(p, Permissions.TENANTS_READ)) {
    pages.push(['/console/tenants', 'Tenants', "every seller's sync and delivery health, and your access to each"]);
  }
  if (p && p.kind === 'staff' && holds(p, Permissions.ACCESS_REQUESTS_CREATE)) {
    pages.push([
      '/console/access-requests',
      'Access requests',
      "ask a seller for access for a case; the seller's answers",
    ]);
  }
  if (p && holds(p, Permissions.AUDIT_READ)) {
    pages.push(['/console/audit', 'Access log', 'every access to buyer data and every change of access, with filters']);
  }
  if (p && holds(p, Permissions.AUDIT_READ)) {
    pages.push(['/console/staff-access', 'Staff access', "every time ordervault's staff opened buyer data, and why"]);
  }
  if (p && holds(p, Permissions.USERS_MANAGE) && p.kind === 'seller') {
    pages.push(['/console/users', 'Users', 'people of your team, their roles, and invitations']);
  }
  return (
    <Layout title="Console" ctx={ctx}>
      <h1>Welcome, {ctx.session?.displayName ?? 'there'}</h1>
      {pages.length ? (
        <ul>
          {pages.map(([href, label, what]) => (
            <li key={href}>
              <a href={href}>{label}</a>: {what}
            </li>
          ))}
        </ul>
      ) : (
        <p>There is nothing in the console for your role yet.</p>
      )}
      <p class="hint">
        Your session ends after {SESSION_IDLE_MS / 60_000} minutes without activity, and{' '}
        {SESSION_ABSOLUTE_MS / 3_600_000} hours after you signed in.
      </p>
    </Layout>
  );
}
