import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Failed-authentication counters per bucket (`ip:<address>`, `pair:<key id>@<address>`) and fixed window. */
@Injectable()
export class AuthFailuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds one failure to each bucket and returns every bucket's new count, in
   * one statement: concurrent failures serialise on the counter rows, so the
   * n-th failure sees exactly n (buckets are locked in sorted order: no deadlock).
   */
  async increment(buckets: readonly string[], window: Date): Promise<Map<string, number>> {
    const sorted = [...new Set(buckets)].sort();
    const rows: Array<{ bucket: string; failures: number }> = await this.dataSource.query(
      `INSERT INTO auth_failures (bucket, window_start, failures)
         SELECT b, $2, 1 FROM unnest($1::text[]) AS b ORDER BY b
         ON CONFLICT (bucket, window_start) DO UPDATE SET failures = auth_failures.failures + 1
       RETURNING bucket, failures`,
      [sorted, window],
    );
    return new Map(rows.map((r) => [r.bucket, Number(r.failures)]));
  }

  async deleteWindowsBefore(cutoff: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM auth_failures WHERE window_start < $1`, [cutoff]);
  }
}
