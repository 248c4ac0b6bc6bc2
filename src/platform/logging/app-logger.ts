import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redact } from './redaction';

export type LogFields = Record<string, unknown>;

/**
 * Structured JSON logger. Every object passed in goes through `redact`, so a
 * buyer field or secret that slips into a log call is replaced, not written.
 * Messages are constants: never interpolate marketplace data into them.
 */
export class AppLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(
    options: { level?: string; destination?: DestinationStream | 'stderr'; bindings?: LogFields; base?: Logger } = {},
  ) {
    this.pino =
      options.base?.child(options.bindings ?? {}) ??
      pino(
        {
          level: options.level ?? 'info',
          base: { service: 'ordervault', ...(options.bindings ?? {}) },
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: {
            level: (label) => ({ level: label }),
            log: (obj) => redact(obj) as Record<string, unknown>,
          },
          serializers: { err: (e: unknown) => redact(e) },
        },
        options.destination === 'stderr'
          ? pino.destination({ fd: 2, sync: true })
          : (options.destination ?? pino.destination({ fd: 1, sync: false })),
      );
  }

  child(bindings: LogFields): AppLogger {
    return new AppLogger({ base: this.pino, bindings: redact(bindings) as LogFields });
  }

  info(msg: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, msg);
  }

  warn(msg: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, msg);
  }

  error(msg: string, fields?: LogFields | string): void {
    this.pino.error(typeof fields === 'string' ? { context: fields } : (fields ?? {}), msg);
  }

  debug(msg: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, msg);
  }

  /** Nest's LoggerService entry points; context strings arrive as the last argument. */
  log(message: unknown, ...rest: unknown[]): void {
    this.pino.info({ context: rest.at(-1) }, String(message));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.pino.debug({ context: rest.at(-1) }, String(message));
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.pino.fatal({ context: rest.at(-1) }, String(message));
  }

  /** Writes out buffered lines; `done` runs once they are written (before a process exits). */
  flush(done?: () => void): void {
    if (done) this.pino.flush(() => done());
    else this.pino.flush();
  }
}
