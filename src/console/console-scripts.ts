import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` writes the bundled verifier (next to the compiled console). */
export const VERIFIER_BUNDLE = join(__dirname, 'export-verifier.bundle.js');

/**
 * The in-browser export verifier as one script. esbuild bundles
 * scripts/export-verifier (and the pure audit code it imports) with fixed
 * options, so the same sources give the same bytes and the same integrity
 * hash. A build writes the bundle once (tools/bundle-console-scripts.ts); run
 * from source (tests, development) it is bundled on first use, esbuild being a
 * development dependency.
 */
export function exportVerifierScript(): Buffer {
  if (existsSync(VERIFIER_BUNDLE)) return readFileSync(VERIFIER_BUNDLE);
  return bundleExportVerifier();
}

export function bundleExportVerifier(): Buffer {
  const entry = ['ts', 'js'].map((ext) => join(__dirname, 'scripts', `export-verifier.${ext}`)).find(existsSync);
  if (!entry) throw new Error('the export verifier script is missing');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a development dependency, loaded only here
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0].contents);
}
