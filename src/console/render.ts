import { h, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { ActingTenant } from './views/tenant-links';

/**
 * Views are TSX rendered to strings by preact-render-to-string, which escapes
 * every text child and attribute value: a buyer's or operator's text can never
 * become markup. Nothing in the console sets raw HTML.
 */
export const renderPage = <P>(page: VNode<P>): string => `<!DOCTYPE html>${renderToString(page)}`;

/**
 * A piece of a page, for htmx to swap in. Given the page's context, the piece's links name the tenant a staff
 * member is looking at, as the whole page's do.
 */
export const renderFragment = <P>(fragment: VNode<P>, ctx?: { readonly actingTenantId: string | null }): string =>
  ctx?.actingTenantId
    ? renderToString(h(ActingTenant.Provider, { value: ctx.actingTenantId }, fragment))
    : renderToString(fragment);

export const HTML = 'text/html; charset=utf-8';
