import { Writable } from 'node:stream';
import { AppLogger } from '../../src/platform/logging/app-logger';

/** An AppLogger whose JSON lines are kept in memory so tests can search them. */
export function captureLogs(level = 'debug'): { logger: AppLogger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = new AppLogger({ level, destination });
  return { logger, lines, text: () => lines.join('\n') };
}
