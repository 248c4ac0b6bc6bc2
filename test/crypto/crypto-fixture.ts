import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, Logger } from 'typeorm';
import { createCryptoServices, type CryptoOptions, type CryptoServices, MasterKeyring } from '../../src/crypto';
import {
  AppLogger,
  DomainError,
  ErrorCodes,
  ManualClock,
  TransactionManager,
  type ErrorCode,
} from '../../src/platform';

export const silentLogger = () => new AppLogger({ level: 'silent' });

export const newKey = () => randomBytes(32);
export const newId = () => randomUUID();

/** A "replica": its own keyring and caches over the shared test database. */
export async function replica(
  dataSource: DataSource,
  keys: { current: Buffer; previous?: Buffer[] },
  options: { clock?: ManualClock; crypto?: CryptoOptions } = {},
): Promise<CryptoServices & { transactions: TransactionManager; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock('2026-03-01T00:00:00Z');
  const transactions = new TransactionManager(dataSource);
  const keyring = await MasterKeyring.fromKeys(keys.current, keys.previous ?? []);
  return {
    ...createCryptoServices({ keyring, transactions, logger: silentLogger(), clock, options: options.crypto }),
    transactions,
    clock,
  };
}

/** Runs `work` and returns the DomainError it threw (fails the test if it threw anything else or nothing). */
export async function domainError(work: () => unknown): Promise<DomainError> {
  try {
    await work();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

export async function expectCode(work: () => unknown, code: ErrorCode): Promise<DomainError> {
  const err = await domainError(work);
  expect(err.code).toBe(code);
  return err;
}

export const expectCryptoFailure = (work: () => unknown) => expectCode(work, ErrorCodes.CRYPTO_FAILURE);

/**
 * Records every SQL statement TypeORM sends while recording is on (through its
 * logger hook, which sees raw `manager.query` calls and builders alike).
 * Transaction control statements are left out: they are not work.
 */
export class StatementRecorder implements Logger {
  readonly statements: string[] = [];
  private recording = false;

  static attach(dataSource: DataSource): StatementRecorder {
    const recorder = new StatementRecorder();
    dataSource.setOptions({ logger: recorder });
    return recorder;
  }

  async record<T>(work: () => Promise<T>): Promise<T> {
    this.statements.length = 0;
    this.recording = true;
    try {
      return await work();
    } finally {
      this.recording = false;
    }
  }

  /** First keyword of each recorded statement, e.g. ['INSERT']. */
  verbs(): string[] {
    return this.statements.map((s) => s.trim().split(/\s+/)[0].toUpperCase());
  }

  logQuery(query: string): void {
    if (
      this.recording &&
      !/^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET TRANSACTION|SAVEPOINT|RELEASE)/i.test(query)
    ) {
      this.statements.push(query);
    }
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** A table standing in for `orders.pii_ciphertext`: where callers keep sealed payloads. */
export async function createSealedTable(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS crypto_test_sealed (tenant_id uuid NOT NULL, subject_id uuid NOT NULL, purpose text NOT NULL, ciphertext bytea NOT NULL, PRIMARY KEY (tenant_id, subject_id, purpose))`,
  );
}

export interface SealedRow {
  tenant_id: string;
  subject_id: string;
  purpose: string;
  ciphertext: Buffer;
  row_version: string;
}

export async function readSealed(dataSource: DataSource): Promise<SealedRow[]> {
  // xmin changes whenever a row is rewritten: equal xmin proves rotation never touched it.
  return dataSource.query(
    `SELECT tenant_id, subject_id, purpose, ciphertext, xmin::text AS row_version FROM crypto_test_sealed ORDER BY subject_id, purpose`,
  );
}
