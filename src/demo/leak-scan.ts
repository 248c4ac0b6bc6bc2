import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export interface ScanResult {
  readonly bytesScanned: number;
  readonly files: number;
  /** The needles found, with where. Empty means clean. */
  readonly hits: Array<{ needle: string; where: string }>;
}

/** Searches raw bytes for each needle (UTF-8). */
export function scanBuffer(buf: Buffer, needles: readonly string[], where: string): ScanResult['hits'] {
  return needles.filter((n) => buf.includes(Buffer.from(n, 'utf8'))).map((needle) => ({ needle, where }));
}

/** Searches every file below `dir` for each needle, byte for byte. */
export function scanDirectory(dir: string, needles: readonly string[]): ScanResult {
  let bytes = 0;
  let files = 0;
  const hits: ScanResult['hits'] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = path.join(d, entry);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        const buf = readFileSync(p);
        bytes += buf.length;
        files++;
        hits.push(...scanBuffer(buf, needles, path.relative(dir, p)));
      }
    }
  };
  walk(dir);
  return { bytesScanned: bytes, files, hits };
}
