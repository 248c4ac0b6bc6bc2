import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Failed-authentication counters per bucket (`ip:<address>`, `key:<key id>`) and fixed window. */
@Injectable()
export class AuthFailuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The counters of the given buckets in one window (buckets without failures are absent). */
  counts(window: Date, buckets: readonly string[]): Promise<Array<{ bucket: string; failures: number }>> {
    return this.dataSource.query(
      `SELECT bucket, failures FROM auth_failures WHERE window_start = $1 AND bucket = ANY($2::text[])`,
      [window, buckets],
    );
  }

  async increment(bucket: string, window: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO auth_failures (bucket, window_start, failures) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET failures = auth_failures.failures + 1`,
      [bucket, window],
    );
  }

  async deleteWindowsBefore(cutoff: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM auth_failures WHERE window_start < $1`, [cutoff]);
  }
}
