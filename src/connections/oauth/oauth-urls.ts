/** `base` with `params` appended to its query, each name and value percent-encoded (spaces as %20). */
export function withQuery(base: URL, params: ReadonlyArray<readonly [string, string]>): string {
  const url = new URL(base.href);
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url.href;
}

/** An absolute URL for `path` under `base`, keeping any path prefix the base has. */
export function urlUnder(base: URL, path: string): string {
  const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
  return new URL(path.replace(/^\/+/, ''), root).href;
}
