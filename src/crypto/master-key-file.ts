import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';
import { DomainError, ErrorCodes } from '../platform';

/**
 * Keyring files: one base64 key (32 bytes) per line, the first key line is the
 * current key, later lines are previous keys kept for unwrapping only. Blank
 * lines and `#` comments are ignored. Errors name the file and line, never the
 * line's content.
 */
const KEY_LINE = /^[A-Za-z0-9+/]{43}=?$/;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

const HEADER =
  '# ordervault master keyring: the first key line is the current key, later lines are previous keys (unwrap only).\n' +
  '# Keep previous keys until `rotate-master` has rewrapped every tenant key. Never commit or log this file.\n';

function invalid(message: string): DomainError {
  return new DomainError(ErrorCodes.CONFIG_INVALID, message);
}

/** Decodes one base64 key, strictly: Buffer's own decoder silently skips garbage. */
export function decodeMasterKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!KEY_LINE.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : undefined;
}

export function parseKeyring(text: string, origin: string): Buffer[] {
  const keys: Buffer[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const key = decodeMasterKey(line);
    if (!key) throw invalid(`${origin} line ${index + 1}: not a 32-byte key in base64`);
    keys.push(key);
  });
  if (keys.length === 0) throw invalid(`${origin} holds no master key`);
  return keys;
}

export function formatKeyring(keys: readonly Uint8Array[]): string {
  return HEADER + keys.map((k) => Buffer.from(k).toString('base64')).join('\n') + '\n';
}

export function readKeyringFile(file: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw invalid(`master keyring ${file} cannot be read (${code})`);
  }
  return parseKeyring(text, `master keyring ${file}`);
}

/** True when group or others may read or write the file: worth a warning, not a refusal. */
export function hasLooseMode(file: string): boolean {
  try {
    return (statSync(file).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/**
 * Reads the generated development keyring, creating it with a fresh key on
 * first start. Creation is atomic and exclusive (write a temp file, then hard
 * link it into place) so two processes starting together agree on one key and
 * nobody ever reads a half-written file.
 */
export function loadOrCreateGeneratedKeyring(file: string): { keys: Buffer[]; created: boolean } {
  try {
    return { keys: parseKeyring(readFileSync(file, 'utf8'), `master keyring ${file}`), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  ensurePrivateDirectory(path.dirname(file));
  const key = randomBytes(32);
  try {
    writeKeyringFile(file, [key], { exclusive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { keys: readKeyringFile(file), created: false };
  }
  return { keys: [key], created: true };
}

/** Replaces (or, exclusively, creates) a keyring file atomically with mode 0600. */
export function writeKeyringFile(file: string, keys: readonly Uint8Array[], options: { exclusive: boolean }): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', FILE_MODE);
  try {
    writeSync(fd, formatKeyring(keys));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // The umask may have removed bits from the mode given to open; set it exactly.
    chmodSync(temp, FILE_MODE);
    if (options.exclusive) {
      linkSync(temp, file);
    } else {
      renameSync(temp, file);
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed into place
    }
  }
  syncDirectory(dir);
}

function ensurePrivateDirectory(dir: string): void {
  try {
    statSync(dir);
    return; // an existing directory (e.g. the data directory) keeps its owner's choice of mode
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
}

/** A new or replaced key file must survive a crash: losing a key that already wraps data loses the data. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform can fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
