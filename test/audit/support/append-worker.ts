/**
 * A separate OS process appending to the access log (run by audit-processes.test.ts through
 * test/support/swc-register.js). Arguments: database url, tenant id, entries to append, worker number.
 * It connects, prints "ready", and starts appending when a line arrives on stdin, so the parent can start
 * all workers at the same instant (they then race to create the chain head).
 */
import 'reflect-metadata';
import { AuditLog } from '../../../src/audit';
import { SystemClock, TransactionManager } from '../../../src/platform';
import { openDataSource } from '../../../src/platform/database/data-source.factory';
import { ALL_ENTITIES } from '../../../src/app.entities';
import { MIGRATIONS } from '../../../migrations';
import { AuditEntriesRepository } from '../../../src/audit/audit-entries.repository';

async function main(): Promise<void> {
  const [url, tenantId, countText, worker] = process.argv.slice(2);
  const db = await openDataSource(
    { kind: 'server', url, poolSize: 2 },
    { entities: ALL_ENTITIES, migrations: MIGRATIONS },
  );
  const transactions = new TransactionManager(db.dataSource);
  const audit = new AuditLog(new AuditEntriesRepository(transactions), transactions, new SystemClock());
  const seqs: string[] = [];
  const times = { started: 0, finished: 0 };
  try {
    await db.dataSource.query('SELECT 1'); // connected
    const go = new Promise((r) => process.stdin.once('data', r));
    process.stdout.write('ready\n');
    await go;
    process.stdin.pause();
    times.started = Date.now();
    for (let i = 0; i < Number(countText); i++) {
      const appended = await audit.record({
        tenantId: i % 3 === 2 ? null : tenantId,
        actor: { kind: 'system', id: `worker-${worker}` },
        action: 'pii.forwarded',
        targets: { endpointId: `ep-${worker}-${i}` },
        requestId: `w${worker}-${i}`,
        outcome: 'allowed',
      });
      seqs.push(`${appended.chainId}#${appended.seq}`);
    }
    times.finished = Date.now();
  } finally {
    await db.close();
  }
  process.stdout.write(`${JSON.stringify({ worker, seqs, ...times })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
