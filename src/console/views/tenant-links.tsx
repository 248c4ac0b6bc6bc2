import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * The seller a staff member's page is about. A browser's links and forms cannot carry the `X-Tenant-Id` header, so
 * a staff member's pages name the tenant in their URL (`?tenant=`), and every link and form of such a page passes
 * it on: the layout provides it, the views ask for it. For a seller it is null and nothing changes.
 */
export const ActingTenant = createContext<string | null>(null);

/** `href` naming the tenant as well (when there is one to name). */
export function withTenant(href: string, tenantId: string | null): string {
  if (!tenantId) return href;
  const hash = href.indexOf('#');
  const [path, fragment] = hash === -1 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}tenant=${encodeURIComponent(tenantId)}${fragment}`;
}

/**
 * The page's link maker, for a page component itself (which renders the layout, so sits above the context it
 * provides): `href` as it is for a seller, with the tenant named for a staff member.
 */
export const tenantHref =
  (ctx: { readonly actingTenantId: string | null }) =>
  (href: string): string =>
    withTenant(href, ctx.actingTenantId);

/** The same, for a component drawn inside the layout. */
export function useTenantHref(): (href: string) => string {
  const tenantId = useContext(ActingTenant);
  return (href) => withTenant(href, tenantId);
}

/** In a GET form (whose action's query the browser drops), the tenant as a field of its own. */
export function TenantField() {
  const tenantId = useContext(ActingTenant);
  return tenantId ? <input type="hidden" name="tenant" value={tenantId} /> : null;
}
