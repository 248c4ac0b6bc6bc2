import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../support/cli-process';

describe('CLI: configuration and usage errors', () => {
  it('exits 2 with one line per configuration problem and no stack trace', async () => {
    const r = await runCli(['tenant', 'list'], { PORT: 'x', DATABASE_URL: 'mysql://h/db', NODE_ENV: 'production' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^invalid configuration:/);
    expect(r.stderr).toMatch(/- PORT: /);
    expect(r.stderr).toMatch(/- DATABASE_URL: must be a postgres/);
    expect(r.stderr).toMatch(/- ORDERVAULT_MASTER_KEY: production refuses to start without a master key/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on an unknown command and prints help on --help with exit 0', async () => {
    const bad = await runCli(['frobnicate'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
    const help = await runCli(['sync', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--once/);
    expect(help.stdout).toMatch(/--json/);
  });

  it('--version prints the package version and exits 0 without configuration or database', async () => {
    const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag], { NODE_ENV: 'production' });
      expect(r).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});
