import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportVerifierScript } from './console-scripts';
import { CONSOLE_CSS } from './console-stylesheet';
import { PASSKEYS_JS } from './passkeys-script';

/** A file the console serves from its own origin (no CDN), under a name that changes when its content does. */
export interface ConsoleAsset {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** Subresource integrity (`sha384-…`): the page names the exact bytes it expects. */
  readonly integrity: string;
}

const integrityOf = (body: Buffer) => `sha384-${createHash('sha384').update(body).digest('base64')}`;
const shortHash = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 12);

function asset(name: (body: Buffer) => string, contentType: string, body: Buffer): ConsoleAsset {
  return { path: `/console/assets/${name(body)}`, contentType, body, integrity: integrityOf(body) };
}

/** htmx, pinned in package.json (exact version) and read from the installed package once. */
function loadHtmx(): ConsoleAsset {
  const version = (JSON.parse(readFileSync(require.resolve('htmx.org/package.json'), 'utf8')) as { version: string })
    .version;
  // The source-map comment is dropped: the map is not served.
  const text = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8').replace(
    /\n?\/\/# sourceMappingURL=\S+\s*$/,
    '\n',
  );
  return asset(() => `htmx-${version}.min.js`, 'text/javascript; charset=utf-8', Buffer.from(text, 'utf8'));
}

export interface ConsoleAssets {
  readonly htmx: ConsoleAsset;
  readonly css: ConsoleAsset;
  /** The in-browser verifier of an export (bundled with esbuild; console-scripts.ts). */
  readonly verifier: ConsoleAsset;
  /** The passkey ceremonies' script (an ES module), on the pages that use it only. */
  readonly passkeys: ConsoleAsset;
  byPath(path: string): ConsoleAsset | undefined;
}

let loaded: ConsoleAssets | undefined;

/** The console's assets, loaded on first use. */
export function consoleAssets(): ConsoleAssets {
  if (loaded) return loaded;
  const htmx = loadHtmx();
  const css = asset(
    (b) => `console-${shortHash(b)}.css`,
    'text/css; charset=utf-8',
    Buffer.from(CONSOLE_CSS.trim() + '\n', 'utf8'),
  );
  const verifier = asset(
    (b) => `export-verifier-${shortHash(b)}.js`,
    'text/javascript; charset=utf-8',
    exportVerifierScript(),
  );
  const passkeys = asset(
    (b) => `passkeys-${shortHash(b)}.js`,
    'text/javascript; charset=utf-8',
    Buffer.from(PASSKEYS_JS.trim() + '\n', 'utf8'),
  );
  const all = new Map([htmx, css, verifier, passkeys].map((a) => [a.path, a]));
  loaded = { htmx, css, verifier, passkeys, byPath: (path) => all.get(path) };
  return loaded;
}
