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

/** A script of ours next to this file, as sources (tests, development) or compiled (a build). */
function scriptFile(name: string): string {
  const found = ['ts', 'js'].map((ext) => join(__dirname, 'scripts', `${name}.${ext}`)).find(existsSync);
  if (!found) throw new Error(`the console script ${name} is missing`);
  return found;
}

export function bundleExportVerifier(): Buffer {
  const entry = scriptFile('export-verifier');
  // The verifier runs the access log's own verification code (audit-verification.ts), which uses node:crypto and
  // Buffer: in the browser those are the shims in scripts/shims (@noble's SHA-256 and Ed25519, the buffer package).
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
    alias: { 'node:crypto': scriptFile('shims/node-crypto') },
    inject: [scriptFile('shims/buffer-global')],
  });
  return Buffer.from(result.outputFiles[0].contents);
}
