import { generateKeyPairSync, sign } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ALL_TENANTS, AuditLog, chainIdFor, verifyExport, type AuditProblem } from '../../src/audit';
import {
  canonicalEntryBytes,
  checkpointStatementBytes,
  entryHash,
  headLeafHash,
  merkleRoot,
  type ChainHead,
} from '../../src/audit/audit-hash';
import { TransactionManager } from '../../src/platform';
import { usingServer } from '../support/test-database';
import { auditHarness, exportLines, newId, publishedKeys, reveal, tamper, type AuditHarness } from './audit-fixture';
import { AuditEntriesRepository } from '../../src/audit/audit-entries.repository';
import { CHECKPOINT_COLUMNS, type CheckpointRow } from '../../src/audit/audit-rows';
import { toCheckpointView } from '../../src/audit/audit.mapper';

const TABLES = ['audit_entries', 'audit_chain_heads', 'audit_checkpoints'];

describe('access log: tampering by the database owner is detected at the exact entry', () => {
  let h: AuditHarness;
  const A = newId();
  const B = newId();
  const chainA = chainIdFor(A);

  beforeAll(async () => {
    h = await auditHarness();
    for (let i = 1; i <= 5; i++) await h.audit.record(reveal(A, i));
    for (let i = 1; i <= 3; i++) await h.audit.record(reveal(B, i));
    await h.audit.record({
      tenantId: null,
      actor: { kind: 'system', id: 'retention-job' },
      action: 'retention.changed',
      outcome: 'allowed',
    });
    await h.checkpoints.writeNow(); // #1: A at 5, B at 3, platform at 1
    h.clock.advance(5 * 60_000);
    for (let i = 6; i <= 7; i++) await h.audit.record(reveal(A, i));
    await h.checkpoints.writeNow(); // #2: A at 7
    h.clock.advance(60_000);
    await h.audit.record(reveal(A, 8)); // not yet attested by any checkpoint
    expect(await h.verifier.verify(ALL_TENANTS)).toMatchObject({ ok: true, chains: 3, entries: 12, checkpoints: 2 });
    for (const t of TABLES) await h.dataSource.query(`CREATE TABLE backup_${t} AS SELECT * FROM ${t}`);
  });

  afterEach(async () => {
    // Back to the pristine log, the way it was tampered with: as the owner, triggers off.
    await h.dataSource.transaction(async (tx) => {
      for (const t of TABLES) await tx.query(`ALTER TABLE ${t} DISABLE TRIGGER ALL`);
      for (const t of TABLES) await tx.query(`DELETE FROM ${t}`);
      for (const t of TABLES) await tx.query(`INSERT INTO ${t} SELECT * FROM backup_${t}`);
      for (const t of TABLES) await tx.query(`ALTER TABLE ${t} ENABLE TRIGGER ALL`);
    });
  });

  afterAll(() => h.close());

  /** Online (all chains and A's scope), offline on a full export and offline on A's seller export: same first bad. */
  async function expectFirstBad(expected: Partial<AuditProblem>) {
    const keys = await publishedKeys(h);
    const online = await h.verifier.verify(ALL_TENANTS);
    expect(online.ok).toBe(false);
    expect(online.firstBad).toMatchObject(expected);
    const offline = verifyExport(await exportLines(h, null), keys);
    expect(offline.ok).toBe(false);
    expect(offline.firstBad).toMatchObject(expected);
    const scoped = await h.verifier.verify({ kind: 'tenant', tenantId: A });
    expect(scoped.firstBad).toMatchObject(expected);
    const sellerOffline = verifyExport(await exportLines(h, A), keys);
    expect(sellerOffline.firstBad).toMatchObject(expected);
    // A forged checkpoint concerns every tenant; a tampered chain only its own: B still verifies on its own.
    const b = await h.verifier.verify({ kind: 'tenant', tenantId: B });
    expect(b.ok).toBe(expected.chainId === 'checkpoints' ? false : true);
    return online;
  }

  it('an edited field: hash_mismatch at that entry', async () => {
    await tamper(h.dataSource, `UPDATE audit_entries SET reason = 'routine check' WHERE chain_id = $1 AND seq = 3`, [
      chainA,
    ]);
    await expectFirstBad({ chainId: chainA, seq: '3', problem: 'hash_mismatch' });
  });

  it('an edited time, even below the millisecond: hash_mismatch at that entry', async () => {
    await tamper(
      h.dataSource,
      `UPDATE audit_entries SET occurred_at = occurred_at + interval '1 microsecond' WHERE chain_id = $1 AND seq = 2`,
      [chainA],
    );
    await expectFirstBad({ chainId: chainA, seq: '2', problem: 'hash_mismatch' });
  });

  it('a deleted entry: gap naming the missing seq', async () => {
    await tamper(h.dataSource, `DELETE FROM audit_entries WHERE chain_id = $1 AND seq = 3`, [chainA]);
    await expectFirstBad({ chainId: chainA, seq: '3', problem: 'gap' });
  });

  it("two entries' contents swapped: hash_mismatch at the first; with their hashes too: broken_link there", async () => {
    const swap = (columns: string) =>
      tamper(
        h.dataSource,
        `UPDATE audit_entries t SET ${columns
          .split(',')
          .map((c) => `${c.trim()} = s.${c.trim()}`)
          .join(', ')}
         FROM audit_entries s
         WHERE t.chain_id = $1 AND s.chain_id = $1 AND ((t.seq = 2 AND s.seq = 4) OR (t.seq = 4 AND s.seq = 2))`,
        [chainA],
      );
    const content =
      'occurred_at, actor_kind, actor_id, actor_role, action, targets, reason, ticket_ref, request_id, outcome, break_glass';
    await swap(content);
    await expectFirstBad({ chainId: chainA, seq: '2', problem: 'hash_mismatch' });
    await swap(`${content}, prev_hash, hash`); // swaps back the content and now the hashes: rows moved whole
    await expectFirstBad({ chainId: chainA, seq: '2', problem: 'broken_link' });
  });

  it('a truncated tail with the head deleted too: missing_tail at the first missing entry (checkpoint 2)', async () => {
    await tamper(h.dataSource, `DELETE FROM audit_entries WHERE chain_id = $1 AND seq >= 6`, [chainA]);
    await h.dataSource.query(`DELETE FROM audit_chain_heads WHERE chain_id = $1`, [chainA]);
    await expectFirstBad({ chainId: chainA, seq: '6', problem: 'missing_tail', checkpointSeq: '2' });
  });

  it('a truncated tail with the head moved back to match: still missing_tail from the checkpoint', async () => {
    await tamper(h.dataSource, `DELETE FROM audit_entries WHERE chain_id = $1 AND seq >= 6`, [chainA]);
    await h.dataSource.query(
      `UPDATE audit_chain_heads SET last_seq = 5, last_hash = (SELECT hash FROM audit_entries WHERE chain_id = $1 AND seq = 5)
       WHERE chain_id = $1`,
      [chainA],
    );
    await expectFirstBad({ chainId: chainA, seq: '6', problem: 'missing_tail', checkpointSeq: '2' });
  });

  it('a deleted last entry no checkpoint covers yet: the head still names it (online)', async () => {
    await tamper(h.dataSource, `DELETE FROM audit_entries WHERE chain_id = $1 AND seq = 8`, [chainA]);
    const online = await h.verifier.verify(ALL_TENANTS);
    expect(online.firstBad).toMatchObject({ chainId: chainA, seq: '8', problem: 'missing_tail' });
    // An export has no head table: what no checkpoint attested yet cannot be missed offline (the documented limit;
    // checkpoints every five minutes bound it). It does say how much is not yet attested.
    const offline = verifyExport(await exportLines(h, null), await publishedKeys(h));
    expect(offline).toMatchObject({ ok: true, unattestedEntries: 0 });
    const before = verifyExport(await exportLines(h, A), await publishedKeys(h));
    expect(before.entries).toBe(7);
  });

  /** Edits one entry's reason and recomputes every later hash and the head: links intact, only checkpoints disagree. */
  async function rewriteConsistently(index: number): Promise<void> {
    const rows: Array<Record<string, any>> = await h.dataSource.query(
      `SELECT chain_id, seq::text AS seq, tenant_id, occurred_at, actor_kind, actor_id, actor_role, action, targets, reason,
              ticket_ref, request_id, outcome, break_glass, prev_hash, hash
       FROM audit_entries WHERE chain_id = $1 ORDER BY seq`,
      [chainA],
    );
    rows[index].reason = 'routine check';
    let prev = rows[index - 1].hash as Buffer;
    for (const r of rows.slice(index)) {
      const canonical = canonicalEntryBytes({
        chainId: r.chain_id,
        tenantId: r.tenant_id,
        occurredAt: r.occurred_at.toISOString(),
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        actorRole: r.actor_role,
        action: r.action,
        targets: r.targets,
        reason: r.reason,
        ticketRef: r.ticket_ref,
        requestId: r.request_id,
        outcome: r.outcome,
        breakGlass: r.break_glass,
      });
      r.prev_hash = prev;
      r.hash = entryHash(prev, BigInt(r.seq), canonical);
      prev = r.hash;
      await tamper(
        h.dataSource,
        `UPDATE audit_entries SET reason = $3, prev_hash = $4, hash = $5 WHERE chain_id = $1 AND seq = $2`,
        [chainA, r.seq, r.reason, r.prev_hash, r.hash],
      );
    }
    await h.dataSource.query(`UPDATE audit_chain_heads SET last_hash = $2 WHERE chain_id = $1`, [chainA, prev]);
  }

  it('history rewritten consistently (hashes and head recomputed): head_mismatch at the earliest entry that could have changed', async () => {
    await rewriteConsistently(2);
    // Every link is intact now; checkpoint 1 signed A's head at seq 5 and disagrees. No checkpoint confirmed anything
    // of A before seq 5, so any entry from seq 1 on may be the edited one: the report names the earliest.
    const online = await expectFirstBad({ chainId: chainA, seq: '1', problem: 'head_mismatch', checkpointSeq: '1' });
    expect(online.firstBad!.detail).toMatch(/from seq 1 to 5/);
  });

  it('history rewritten after a confirmed checkpoint: the report starts right after what was confirmed', async () => {
    await rewriteConsistently(5);
    // Checkpoint 1 confirms seq 5 as found; checkpoint 2 attests seq 7 and disagrees: seq 6 or 7 was edited.
    const online = await expectFirstBad({ chainId: chainA, seq: '6', problem: 'head_mismatch', checkpointSeq: '2' });
    expect(online.firstBad!.detail).toMatch(/from seq 6 to 7/);
  });

  it('the newest entries cut together with the checkpoint that signed them: only an external witness can tell', async () => {
    const witness = (
      await h.dataSource.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints c ORDER BY c.checkpoint_seq`)
    ).map((row: CheckpointRow) => JSON.stringify(toCheckpointView(row)));
    expect(await h.verifier.compareWitness(witness)).toEqual({ ok: true, checked: 2 });
    const [five] = await h.dataSource.query(`SELECT hash FROM audit_entries WHERE chain_id = $1 AND seq = 5`, [chainA]);
    await tamper(h.dataSource, `DELETE FROM audit_entries WHERE chain_id = $1 AND seq > 5`, [chainA]);
    await tamper(h.dataSource, `DELETE FROM audit_checkpoints WHERE checkpoint_seq = 2`);
    await tamper(h.dataSource, `UPDATE audit_chain_heads SET last_seq = 5, last_hash = $2 WHERE chain_id = $1`, [
      chainA,
      five.hash,
    ]);
    // The database alone is consistent again...
    expect(await h.verifier.verify(ALL_TENANTS)).toMatchObject({ ok: true });
    // ...but the witness holds checkpoint 2, signed, which the database no longer has.
    const report = await h.verifier.compareWitness(witness);
    expect(report).toMatchObject({ ok: false, firstBad: { line: 2, checkpointSeq: '2' } });
    expect(report.firstBad!.detail).toMatch(/missing from the database/);
    // A forged witness line proves nothing.
    const forged = JSON.stringify({ ...JSON.parse(witness[1]), root: '00'.repeat(32) });
    expect((await h.verifier.compareWitness([witness[0], forged])).firstBad!.detail).toMatch(/not signed/);
  });

  it("a checkpoint's root edited: bad_signature at that checkpoint", async () => {
    await tamper(h.dataSource, `UPDATE audit_checkpoints SET root = sha256(root) WHERE checkpoint_seq = 1`);
    await expectFirstBad({ chainId: 'checkpoints', seq: '1', problem: 'bad_signature' });
  });

  it("a checkpoint's heads edited: root_mismatch at that checkpoint (also through a seller's inclusion proof)", async () => {
    await tamper(
      h.dataSource,
      `UPDATE audit_checkpoints
       SET heads = (SELECT jsonb_agg(CASE WHEN x->>'chainId' = $1 THEN jsonb_set(x, '{seq}', '"5"') ELSE x END ORDER BY n)
                    FROM jsonb_array_elements(heads) WITH ORDINALITY AS e(x, n))
       WHERE checkpoint_seq = 2`,
      [chainA],
    );
    await expectFirstBad({ chainId: 'checkpoints', seq: '2', problem: 'root_mismatch' });
  });

  it('a checkpoint re-signed with another key: bad_signature', async () => {
    // The forger claims A ended at seq 5 (hiding 6 and 7), with a correct root, signed by a key of its own.
    const [cp] = await h.dataSource.query(`SELECT created_at, heads FROM audit_checkpoints WHERE checkpoint_seq = 2`);
    const heads: ChainHead[] = cp.heads.map((x: ChainHead) =>
      x.chainId === chainA ? { ...x, seq: '5', hash: x.hash } : x,
    );
    const root = merkleRoot(heads.map(headLeafHash));
    const { privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(
      null,
      checkpointStatementBytes({
        checkpointSeq: '2',
        createdAt: cp.created_at.toISOString(),
        chainCount: heads.length,
        root: root.toString('hex'),
      }),
      privateKey,
    );
    await tamper(
      h.dataSource,
      `UPDATE audit_checkpoints SET heads = $1::jsonb, root = $2, signature = $3 WHERE checkpoint_seq = 2`,
      [JSON.stringify(heads), root, signature],
    );
    const online = await expectFirstBad({ chainId: 'checkpoints', seq: '2', problem: 'bad_signature' });
    expect(online.firstBad!.detail).toBe('signature does not verify');
  });

  it('a deleted checkpoint: gap in the checkpoint sequence', async () => {
    await tamper(h.dataSource, `DELETE FROM audit_checkpoints WHERE checkpoint_seq = 1`);
    await expectFirstBad({ chainId: 'checkpoints', seq: '1', problem: 'gap' });
  });

  it('the trigger refuses UPDATE, DELETE and TRUNCATE, even for the owner', async () => {
    const attempts = [
      `UPDATE audit_entries SET reason = 'x' WHERE chain_id = '${chainA}' AND seq = 1`,
      `DELETE FROM audit_entries WHERE chain_id = '${chainA}' AND seq = 1`,
      `TRUNCATE audit_entries`,
      `UPDATE audit_checkpoints SET root = root WHERE checkpoint_seq = 1`,
      `DELETE FROM audit_checkpoints WHERE checkpoint_seq = 1`,
      `TRUNCATE audit_checkpoints`,
    ];
    for (const sql of attempts) {
      await expect(h.dataSource.query(sql)).rejects.toThrow(/the access log is append-only/);
    }
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('the runtime role may SELECT and INSERT (append) but UPDATE and DELETE are permission errors', async () => {
    // The connecting role may create roles in these test databases (server superuser, PGlite's postgres).
    await h.dataSource.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ordervault_app') THEN CREATE ROLE ordervault_app; END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await h.dataSource.query(`SELECT ordervault_grant_app_role('ordervault_app')`);

    const forbidden = [
      `UPDATE audit_entries SET reason = 'x' WHERE chain_id = '${chainA}' AND seq = 1`,
      `DELETE FROM audit_entries WHERE chain_id = '${chainA}' AND seq = 1`,
      `UPDATE audit_checkpoints SET root = root WHERE checkpoint_seq = 1`,
      `TRUNCATE audit_entries`,
    ];
    if (usingServer()) {
      const url = h.db.url!;
      const client = new Client({ connectionString: url, options: '-c role=ordervault_app' });
      await client.connect();
      try {
        expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe('ordervault_app');
        for (const sql of forbidden) {
          await expect(client.query(sql)).rejects.toMatchObject({
            code: '42501',
            message: expect.stringMatching(/permission denied for table/),
          });
        }
        // Disabling the trigger needs ownership, which the runtime role does not have.
        await expect(client.query('ALTER TABLE audit_entries DISABLE TRIGGER ALL')).rejects.toMatchObject({
          code: '42501',
        });
      } finally {
        await client.end();
      }
      // Appending works as the runtime role.
      const app = new DataSource({ type: 'postgres', url, extra: { options: '-c role=ordervault_app' } });
      await app.initialize();
      try {
        const transactions = new TransactionManager(app);
        const log = new AuditLog(new AuditEntriesRepository(transactions), transactions, h.clock);
        const appended = await log.record(reveal(B, 4));
        expect(appended.seq).toBe('4');
      } finally {
        await app.destroy();
      }
    } else {
      // PGlite is one session: take the role per transaction with SET LOCAL ROLE.
      for (const sql of forbidden) {
        await expect(
          h.dataSource.transaction(async (tx) => {
            await tx.query('SET LOCAL ROLE ordervault_app');
            await tx.query(sql);
          }),
        ).rejects.toMatchObject({ message: expect.stringMatching(/permission denied for table/) });
      }
      await expect(
        h.dataSource.transaction(async (tx) => {
          await tx.query('SET LOCAL ROLE ordervault_app');
          await tx.query('ALTER TABLE audit_entries DISABLE TRIGGER ALL');
        }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/must be owner/) });
      const appended = await h.transactions.run(async (tx) => {
        await tx.query('SET LOCAL ROLE ordervault_app');
        const [{ u }] = await tx.query('SELECT current_user AS u');
        expect(u).toBe('ordervault_app');
        return h.audit.append(tx, reveal(B, 4));
      });
      expect(appended.seq).toBe('4');
    }
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });
});
