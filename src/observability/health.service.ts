import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { pendingMigrations } from '../platform/database/migration-runner';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: { database: 'ok' | 'unreachable'; migrations: 'ok' | 'pending' | 'unknown'; pending?: string[] };
}

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async readiness(): Promise<Readiness> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      return { status: 'unavailable', checks: { database: 'unreachable', migrations: 'unknown' } };
    }
    const pending = await pendingMigrations(this.dataSource);
    return pending.length
      ? { status: 'unavailable', checks: { database: 'ok', migrations: 'pending', pending } }
      : { status: 'ok', checks: { database: 'ok', migrations: 'ok' } };
  }
}
