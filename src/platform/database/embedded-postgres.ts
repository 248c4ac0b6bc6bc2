import { PGlite } from '@electric-sql/pglite';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { DomainError, ErrorCodes } from '../errors/domain-error';

/**
 * Opens the embedded PostgreSQL (PGlite) in `dataDir`. PGlite is a single
 * in-process session, so two processes must never open one directory: a lock
 * file with the owner's pid guards it (a stale lock of a dead process is taken over).
 */
export async function openEmbeddedPostgres(dataDir: string): Promise<{ pglite: PGlite; release: () => void }> {
  const dbDir = path.join(dataDir, 'pgdata');
  mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  const release = acquireDirectoryLock(path.join(dataDir, 'pgdata.lock'));
  try {
    const pglite = await PGlite.create(dbDir);
    return { pglite, release };
  } catch (err) {
    release();
    throw err;
  }
}

function acquireDirectoryLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DomainError(
          ErrorCodes.UNAVAILABLE,
          `the embedded database in ${path.dirname(lockPath)} is in use by process ${owner}; ` +
            'stop it first, or set DATABASE_URL to share a PostgreSQL server between processes',
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new DomainError(ErrorCodes.UNAVAILABLE, 'could not lock the embedded database directory');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
