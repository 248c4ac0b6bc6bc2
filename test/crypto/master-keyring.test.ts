import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { MasterKeyring } from '../../src/crypto';
import { AppLogger, ErrorCodes } from '../../src/platform';
import { expectCode, expectCryptoFailure, newKey } from './crypto-fixture';

/** A logger whose JSON lines are kept for assertions. */
function capturingLogger(): { logger: AppLogger; lines: () => Record<string, unknown>[]; raw: () => string } {
  let text = '';
  const destination = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = new AppLogger({ level: 'info', destination: destination as never });
  return {
    logger,
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

const b64 = (key: Buffer) => key.toString('base64');
const idOf = async (key: Buffer) => (await MasterKeyring.fromKeys(key)).current().id;

describe('master keyring', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ov-keyring-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('key ids are 16 hex characters, stable per key and distinct between keys', async () => {
    const key = newKey();
    const id = await idOf(key);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(await idOf(Buffer.from(key))).toBe(id);
    expect(await idOf(newKey())).not.toBe(id);
    expect(id).not.toContain(key.toString('hex').slice(0, 16));
  });

  it('inline keys: current and previous, lookup by id fails closed for unknown ids', async () => {
    const [current, old1, old2] = [newKey(), newKey(), newKey()];
    const { logger } = capturingLogger();
    const ring = await MasterKeyring.load(
      { kind: 'inline', current: b64(current), previous: [b64(old1), b64(old2), b64(current)] },
      logger,
    );
    expect(ring.ids()).toEqual([await idOf(current), await idOf(old1), await idOf(old2)]);
    expect(ring.current().id).toBe(await idOf(current));
    expect(ring.byId(await idOf(old2)).id).toBe(await idOf(old2));
    const err = await expectCryptoFailure(() => ring.byId('0123456789abcdef'));
    expect(err.message).toMatch(/^master key 0123456789abcdef is not in the keyring/);

    const inlineRotation = await expectCode(() => ring.addGeneratedKey(), ErrorCodes.PRECONDITION_FAILED);
    expect(inlineRotation.message).toMatch(/ORDERVAULT_MASTER_KEY_PREVIOUS/);

    const bad = await expectCode(
      () => MasterKeyring.load({ kind: 'inline', current: b64(current), previous: ['not-a-key'] }, logger),
      ErrorCodes.CONFIG_INVALID,
    );
    expect(bad.message).toBe('ORDERVAULT_MASTER_KEY_PREVIOUS entry 1: not a 32-byte key in base64');
  });

  it('file keyring: first key line is current, later lines previous; comments and blank lines ignored', async () => {
    const [current, old] = [newKey(), newKey()];
    const file = path.join(dir, 'keyring');
    writeFileSync(file, `# production keyring\n\n  ${b64(current)}  \r\n\n# retired 2026-01\n${b64(old)}\n`, {
      mode: 0o600,
    });
    const { logger, raw } = capturingLogger();
    const ring = await MasterKeyring.load({ kind: 'file', path: file }, logger);
    expect(ring.ids()).toEqual([await idOf(current), await idOf(old)]);
    expect(raw()).not.toContain(b64(current));
    expect(raw()).not.toContain('readable by group');
  });

  it('file keyring errors name the file and line, never the content', async () => {
    const file = path.join(dir, 'keyring');
    const good = b64(newKey());
    const cases: [string, string][] = [
      [`${good}\nnot base64 at all!!\n`, `master keyring ${file} line 2: not a 32-byte key in base64`],
      [`${good}\n${b64(randomBytes(16))}\n`, `master keyring ${file} line 2: not a 32-byte key in base64`],
      [`${good.slice(0, 40)}\n`, `master keyring ${file} line 1: not a 32-byte key in base64`],
      [`# only a comment\n\n`, `master keyring ${file} holds no master key`],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, content, { mode: 0o600 });
      const err = await expectCode(
        () => MasterKeyring.load({ kind: 'file', path: file }, capturingLogger().logger),
        ErrorCodes.CONFIG_INVALID,
      );
      expect(err.message).toBe(message);
    }
    const missing = await expectCode(
      () => MasterKeyring.load({ kind: 'file', path: path.join(dir, 'absent') }, capturingLogger().logger),
      ErrorCodes.CONFIG_INVALID,
    );
    expect(missing.message).toBe(`master keyring ${path.join(dir, 'absent')} cannot be read (ENOENT)`);
  });

  it('warns when a keyring file is readable by others', async () => {
    const file = path.join(dir, 'keyring');
    writeFileSync(file, `${b64(newKey())}\n`);
    chmodSync(file, 0o644);
    const { logger, lines } = capturingLogger();
    await MasterKeyring.load({ kind: 'file', path: file }, logger);
    expect(lines().some((l) => l.level === 'warn' && /readable by group or others/.test(String(l.msg)))).toBe(true);
  });

  it('generated keyring: created 0600 in a 0700 directory with a warning, reused on the next boot', async () => {
    const file = path.join(dir, 'data', 'master.key');
    const first = capturingLogger();
    const ring = await MasterKeyring.load({ kind: 'generated', path: file }, first.logger);

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const stored = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(stored).toHaveLength(1);
    expect(await idOf(Buffer.from(stored[0], 'base64'))).toBe(ring.current().id);

    const warning = first.lines().find((l) => l.level === 'warn');
    expect(warning).toMatchObject({ path: file, keyId: ring.current().id });
    expect(String(warning!.msg)).toMatch(/generated a development master key/);
    expect(first.raw()).not.toContain(stored[0]);

    const second = capturingLogger();
    const again = await MasterKeyring.load({ kind: 'generated', path: file }, second.logger);
    expect(again.ids()).toEqual(ring.ids());
    expect(second.lines().filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('adds a generated key as current to a file keyring, keeping the old keys as previous', async () => {
    const file = path.join(dir, 'master.key');
    const { logger, raw } = capturingLogger();
    const ring = await MasterKeyring.load({ kind: 'generated', path: file }, logger);
    const oldId = ring.current().id;

    const change = await ring.addGeneratedKey();
    expect(change.previousIds).toEqual([oldId]);
    expect(change.currentId).not.toBe(oldId);
    expect(ring.ids()).toEqual([change.currentId, oldId]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const rebooted = await MasterKeyring.load({ kind: 'file', path: file }, logger);
    expect(rebooted.ids()).toEqual([change.currentId, oldId]);

    const keyLines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    for (const line of keyLines) expect(raw()).not.toContain(line);

    // Another process's keyring sees the new key after reload.
    const other = await MasterKeyring.load({ kind: 'file', path: file }, logger);
    await ring.addGeneratedKey();
    await other.reload();
    expect(other.ids()).toEqual(ring.ids());
  });
});
