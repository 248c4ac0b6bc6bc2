import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** A unit of work. Repositories take one so callers decide what commits together. */
export type Tx = EntityManager;

export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/** Set while a unit of work runs; `open` turns false when it ends (work it started may outlive it). */
const openUnit = new AsyncLocalStorage<{ open: boolean }>();
const guarded = new WeakSet<DataSource>();

/**
 * Thrown when code inside a transaction asks the pool for another connection (a repository called without the
 * `tx` it was given, or a transaction started inside another). That holds one connection while waiting for a
 * second: on the embedded database (one session) it waits forever, and on a server a burst of such units
 * exhausts the pool with every holder waiting for another (pg-pool has no checkout deadline). Pass the `tx`.
 */
export class QueryOutsideTransactionError extends Error {
  constructor() {
    super('a query asked for a second connection while its transaction was open: pass the transaction (tx) down');
    this.name = 'QueryOutsideTransactionError';
  }
}

/**
 * Explicit transactions. Serialization failures and deadlocks are retried a few
 * times because the whole unit of work is re-run from the start. Inside a unit,
 * every query goes through its `tx`: asking the pool for another connection
 * throws `QueryOutsideTransactionError` instead of risking a wait that never ends.
 */
export class TransactionManager {
  constructor(private readonly dataSource: DataSource) {
    guardCheckouts(dataSource);
  }

  async run<T>(work: (tx: Tx) => Promise<T>, isolation: IsolationLevel = 'READ COMMITTED'): Promise<T> {
    const unit = (tx: Tx) => {
      const state = { open: true };
      return openUnit
        .run(state, () => work(tx))
        .finally(() => {
          state.open = false;
        });
    };
    for (let attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED is PostgreSQL's default: not naming it saves a statement per transaction.
        return await (isolation === 'READ COMMITTED'
          ? this.dataSource.transaction(unit)
          : this.dataSource.transaction(isolation, unit));
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code;
        if (attempt < 4 && code && RETRYABLE.has(code)) continue;
        throw err;
      }
    }
  }

  /**
   * Work that deliberately runs on connections of its own while the caller's transaction stays open (a lock held
   * across it). Only where the holders are bounded (one per process, as the sync tick's lock), so that a pool of
   * two always progresses; never on the embedded database, whose one session the holder keeps.
   */
  detached<T>(work: () => Promise<T>): Promise<T> {
    return openUnit.exit(work);
  }

  /** Reads outside any transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}

/** Every new connection checkout (TypeORM makes one per query run outside a transaction) is checked. */
function guardCheckouts(dataSource: DataSource): void {
  if (guarded.has(dataSource)) return;
  guarded.add(dataSource);
  const checkout = dataSource.createQueryRunner.bind(dataSource);
  dataSource.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>) => {
    if (openUnit.getStore()?.open) throw new QueryOutsideTransactionError();
    return checkout(...args);
  };
}
