import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The version in package.json (`ordervault --version`, the start-up log), read at run time from the package
 * root: one level above `src/` when run from source, two above `dist/src/` when built.
 */
function readVersion(): string {
  for (const dir of [path.join(__dirname, '..'), path.join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ordervault' && pkg.version) return pkg.version;
    } catch {
      // not this directory
    }
  }
  return 'unknown';
}

export const PRODUCT_VERSION = readVersion();
