import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../platform/database/migration-runner';

export interface Readiness {
  status: 'ok' | 'unavailable';
  /** `sandbox` when the process runs against in-process simulators (`ordervault serve --sandbox`). */
  mode: 'service' | 'sandbox';
  checks: { database: 'ok' | 'unreachable'; migrations: 'ok' | 'pending' | 'unknown'; pending?: string[] };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async readiness(): Promise<Readiness> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      return {
        status: 'unavailable',
        mode: this.config.mode,
        checks: { database: 'unreachable', migrations: 'unknown' },
      };
    }
    const pending = await pendingMigrations(this.dataSource);
    return pending.length
      ? { status: 'unavailable', mode: this.config.mode, checks: { database: 'ok', migrations: 'pending', pending } }
      : { status: 'ok', mode: this.config.mode, checks: { database: 'ok', migrations: 'ok' } };
  }
}
