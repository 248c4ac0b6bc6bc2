import * as path from 'node:path';
import { BENCHMARKS, benchUsage, parseBenchArgs } from '../../src/tools/bench/bench-args';
import { startScript } from '../support/cli-process';

describe('npm run bench: usage text and arguments', () => {
  it('--help lists every benchmark with each option, its default and range', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const parsed = parseBenchArgs(argv);
      expect(parsed.kind).toBe('help');
      const text = (parsed as { text: string }).text;
      for (const b of BENCHMARKS) {
        expect(text).toContain(`  ${b.name}  ${b.summary}`);
        for (const o of b.options) expect(text).toContain(`--${o.name}`);
      }
      expect(text).toContain('(default 600, 1..1000000)');
      expect(text).toContain('DATABASE_URL');
    }
    const one = parseBenchArgs(['reveal', '--help']);
    expect(one).toEqual({ kind: 'help', text: benchUsage(BENCHMARKS[1]) });
    expect((one as { text: string }).text).not.toContain('--pages');
  });

  it('parses names and options, with the defaults for what is not given', () => {
    expect(parseBenchArgs([])).toEqual({ kind: 'run', benchmark: 'ingest', options: { pages: 20, rounds: 5 } });
    expect(parseBenchArgs(['--rounds', '3'])).toEqual({
      kind: 'run',
      benchmark: 'ingest',
      options: { pages: 20, rounds: 3 },
    });
    expect(parseBenchArgs(['reveal', '--concurrency', '16', '--tenants', '2'])).toEqual({
      kind: 'run',
      benchmark: 'reveal',
      options: { tenants: 2, requests: 600, concurrency: 16, rounds: 12 },
    });
  });

  it('refuses unknown benchmarks and options and bad values, with the usage', () => {
    const cases: Array<[string[], string]> = [
      [['ingset'], 'unknown benchmark "ingset"'],
      [['ingest', '--concurrency', '4'], 'unknown option "--concurrency" for ingest'],
      [['reveal', '--requests'], '--requests takes a whole number from 1 to 1000000'],
      [['reveal', '--requests', 'many'], '--requests takes a whole number'],
      [['ingest', '--pages', '0'], '--pages takes a whole number from 1 to 10000'],
      [['ingest', '--pages', '2.5'], '--pages takes a whole number'],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseBenchArgs(argv);
      expect(parsed.kind).toBe('error');
      expect((parsed as { text: string }).text).toContain(message);
      expect((parsed as { text: string }).text).toContain('usage: npm run bench');
    }
  });

  it('the bench program prints the usage for --help (exit 0) and for a wrong name (exit 2)', async () => {
    const bench = path.resolve(__dirname, '../../src/tools/bench.ts');
    const help = await startScript(bench, ['--help'], {}).result;
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('ingest');
    expect(help.stdout).toContain('reveal');
    const wrong = await startScript(bench, ['nope'], {}).result;
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown benchmark "nope"');
  }, 60_000);
});
