import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AuditCheckpointService,
  AuditExportBundleService,
  AuditExportService,
  AuditLog,
  AuditPublicKeys,
  AuditQueryService,
  AuditVerifier,
  type AuditEntryInput,
} from '../../src/audit';
import { AuditCheckpointsRepository } from '../../src/audit/audit-checkpoints.repository';
import { AuditEntriesRepository } from '../../src/audit/audit-entries.repository';
import type { AppConfig } from '../../src/config';
import { MasterKeyring, SigningKeyService } from '../../src/crypto';
import { SigningKeysRepository } from '../../src/crypto/signing-keys.repository';
import { AppLogger, ManualClock, TransactionManager } from '../../src/platform';
import { createTestDataSource, type TestDatabase } from '../support/test-database';

export const silentLogger = () => new AppLogger({ level: 'silent' });
export const newId = () => randomUUID();

/** The audit services wired by hand over one test database (like a replica: own caches, shared database). */
export interface AuditServices {
  readonly transactions: TransactionManager;
  readonly clock: ManualClock;
  /** The current master key's bytes (another replica of the same deployment holds the same). */
  readonly masterKey: Buffer;
  readonly keyring: MasterKeyring;
  readonly signingKeys: SigningKeyService;
  readonly audit: AuditLog;
  readonly checkpoints: AuditCheckpointService;
  readonly checkpointRows: AuditCheckpointsRepository;
  readonly exports: AuditExportService;
  readonly bundles: AuditExportBundleService;
  readonly verifier: AuditVerifier;
  readonly query: AuditQueryService;
  readonly publicKeys: AuditPublicKeys;
}

export async function auditServices(
  dataSource: DataSource,
  options: { clock?: ManualClock; masterKey?: Buffer; previous?: Buffer[] } = {},
): Promise<AuditServices> {
  const clock = options.clock ?? new ManualClock('2026-11-02T10:00:00Z');
  const transactions = new TransactionManager(dataSource);
  const masterKey = options.masterKey ?? randomBytes(32);
  const keyring = await MasterKeyring.fromKeys(masterKey, options.previous ?? []);
  const signingKeys = new SigningKeyService(keyring, new SigningKeysRepository(), transactions, clock);
  const entries = new AuditEntriesRepository(transactions);
  const checkpointRows = new AuditCheckpointsRepository(transactions);
  const audit = new AuditLog(entries, transactions, clock);
  const config = { sync: { schedulerEnabled: false } } as AppConfig;
  const checkpoints = new AuditCheckpointService(
    config,
    new SchedulerRegistry(),
    transactions,
    clock,
    signingKeys,
    audit,
    checkpointRows,
    silentLogger(),
  );
  const exports = new AuditExportService(transactions, clock, audit, checkpointRows, entries);
  return {
    transactions,
    clock,
    masterKey,
    keyring,
    signingKeys,
    audit,
    checkpoints,
    exports,
    checkpointRows,
    verifier: new AuditVerifier(transactions, exports, signingKeys, entries, checkpointRows, audit),
    bundles: new AuditExportBundleService(exports, signingKeys, transactions),
    query: new AuditQueryService(entries, audit),
    publicKeys: new AuditPublicKeys(signingKeys),
  };
}

export interface AuditHarness extends AuditServices {
  readonly dataSource: DataSource;
  readonly db: TestDatabase;
  close(): Promise<void>;
}

export async function auditHarness(options: { clock?: ManualClock } = {}): Promise<AuditHarness> {
  const { db, dataSource, close } = await createTestDataSource();
  return { ...(await auditServices(dataSource, options)), dataSource, db, close };
}

/** A typical entry: staff revealing one order of a tenant. */
export function reveal(tenantId: string | null, n = 1, extra: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    tenantId,
    actor: { kind: 'staff', id: '7a1d3c52-0f4e-4b8a-9c61-2f0e8d9b1a77', role: 'support' },
    action: 'pii.revealed',
    targets: { orderIds: [`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`] },
    reason: `customer asked about parcel #${n}`,
    ticketRef: `ZD-${1000 + n}`,
    requestId: `req-${n}-${randomBytes(4).toString('hex')}`,
    outcome: 'allowed',
    ...extra,
  };
}

/**
 * Runs SQL as the database owner with the append-only triggers off, the way an
 * attacker holding the owner's credentials could, then turns them back on.
 */
export async function tamper(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<void> {
  await dataSource.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_entries DISABLE TRIGGER ALL');
    await tx.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_entries ENABLE TRIGGER ALL');
    await tx.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER ALL');
  });
}

/** Every export line of a scope (null = all chains), without recording an export. */
export async function exportLines(s: AuditServices, tenantId: string | null): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of s.exports.lines(tenantId)) lines.push(line.replace(/\n$/, ''));
  return lines;
}

export async function publishedKeys(s: AuditServices): Promise<Buffer[]> {
  return (await s.publicKeys.all()).map((k) => k.publicKey);
}
