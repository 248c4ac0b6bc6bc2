import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/**
 * Views are TSX rendered to strings by preact-render-to-string, which escapes
 * every text child and attribute value: a buyer's or operator's text can never
 * become markup. Nothing in the console sets raw HTML.
 */
export const renderPage = <P>(page: VNode<P>): string => `<!DOCTYPE html>${renderToString(page)}`;

/** A piece of a page, for htmx to swap in. */
export const renderFragment = <P>(fragment: VNode<P>): string => renderToString(fragment);

export const HTML = 'text/html; charset=utf-8';
