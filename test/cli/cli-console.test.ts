import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';

describe('CLI: console enrolment of a staff member', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ovcli-console-'));
  const env = { ORDERVAULT_DATA_DIR: dir, LOG_LEVEL: 'error' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets a login and password (read from stdin) and prints the TOTP enrolment URI once', async () => {
    const staff = JSON.parse(
      (await runCli(['staff', 'create', '--role', 'auditor', '--name', 'Ada Auditor', '--json'], env)).stdout,
    );
    const staffId: string = staff.staff.staffId;

    const noPassword = await runCli(['console', 'enrol', '--staff', staffId, '--login', 'ada'], env);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/--password-file <path> or --password-stdin/);

    const short = await runCli(
      ['console', 'enrol', '--staff', staffId, '--login', 'ada', '--password-stdin'],
      env,
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/a password is 12-256 characters/);

    const password = 'a long enough console password';
    const ok = await runCli(
      ['console', 'enrol', '--staff', staffId, '--login', 'Ada@Example.test', '--password-stdin'],
      env,
      `${password}\n`,
    );
    expect(ok.code).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^enrolled ada@example\\.test for staff member ${staffId} \\(account [0-9a-f-]{36}\\)$`),
    );
    expect(lines[2]).toMatch(
      /^otpauth:\/\/totp\/ordervault:ada%40example\.test\?secret=[A-Z2-7]{32}&issuer=ordervault&algorithm=SHA1&digits=6&period=30$/,
    );
    expect(ok.stdout + ok.stderr).not.toContain(password);
  }, 120_000);
});
