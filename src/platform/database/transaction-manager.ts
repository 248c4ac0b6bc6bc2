import type { DataSource, EntityManager } from 'typeorm';

/** A unit of work. Repositories take one so callers decide what commits together. */
export type Tx = EntityManager;

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Explicit transactions. Serialization failures and deadlocks are retried a few
 * times because the whole unit of work is re-run from the start.
 */
export class TransactionManager {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED is PostgreSQL's default: not naming it saves a statement per transaction.
        return await (isolation === 'READ COMMITTED'
          ? this.dataSource.transaction(work)
          : this.dataSource.transaction(isolation, work));
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code;
        if (attempt < 4 && code && RETRYABLE.has(code)) continue;
        throw err;
      }
    }
  }

  /** Reads outside any transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
