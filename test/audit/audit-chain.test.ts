import { createHash } from 'node:crypto';
import { ALL_TENANTS, chainIdFor, type AuditEntryInput } from '../../src/audit';
import { canonicalEntryBytes, entryHash, GENESIS_HASH } from '../../src/audit/audit-hash';
import { DomainError } from '../../src/platform';
import { usingServer } from '../support/test-database';
import { auditHarness, newId, reveal, type AuditHarness } from './audit-fixture';

interface StoredEntry {
  chain_id: string;
  seq: string;
  tenant_id: string | null;
  occurred_at: Date;
  actor_kind: string;
  actor_id: string;
  actor_role: string | null;
  action: string;
  targets: unknown;
  reason: string | null;
  ticket_ref: string | null;
  request_id: string | null;
  outcome: string;
  break_glass: boolean;
  prev_hash: Buffer;
  hash: Buffer;
}

describe('access log: hash chains', () => {
  let h: AuditHarness;
  const tenantA = newId();
  const tenantB = newId();

  beforeAll(async () => {
    h = await auditHarness();
  });
  afterAll(() => h.close());

  const entriesOf = (chainId: string): Promise<StoredEntry[]> =>
    h.dataSource.query(`SELECT * FROM audit_entries WHERE chain_id = $1 ORDER BY seq`, [chainId]);

  /** Recomputes a chain from the stored rows with the documented byte format (not with the service's code path). */
  function expectValidChain(rows: StoredEntry[]): void {
    let prev = GENESIS_HASH;
    rows.forEach((r, i) => {
      expect(r.seq).toBe(String(i + 1));
      expect(r.prev_hash.equals(prev)).toBe(true);
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
      // The documented formula, spelled out with Node's SHA-256.
      const seq = Buffer.alloc(8);
      seq.writeBigUInt64BE(BigInt(r.seq));
      const expected = createHash('sha256').update(prev).update(seq).update(canonical).digest();
      expect(r.hash.equals(expected)).toBe(true);
      prev = r.hash;
    });
  }

  it('appends per-tenant chains and a platform chain, each gap-free from 1 with valid links', async () => {
    const results = [];
    for (let i = 1; i <= 4; i++) {
      results.push(await h.audit.record(reveal(tenantA, i)));
      results.push(await h.audit.record(reveal(tenantB, i)));
      h.clock.advance(1500);
    }
    results.push(
      await h.audit.record({
        tenantId: null,
        actor: { kind: 'anonymous', id: 'key:abcdefgh23456789' },
        action: 'auth.failed',
        targets: { keyId: 'abcdefgh23456789' },
        outcome: 'denied',
      }),
    );
    expect(results.filter((r) => r.chainId === `tenant:${tenantA}`).map((r) => r.seq)).toEqual(['1', '2', '3', '4']);
    expect(results.filter((r) => r.chainId === `tenant:${tenantB}`).map((r) => r.seq)).toEqual(['1', '2', '3', '4']);
    expect(results[results.length - 1]).toMatchObject({ chainId: 'platform', seq: '1' });

    const a = await entriesOf(chainIdFor(tenantA));
    expectValidChain(a);
    expectValidChain(await entriesOf(chainIdFor(tenantB)));
    expectValidChain(await entriesOf('platform'));
    // The head is the last entry.
    const [head] = await h.dataSource.query(`SELECT last_seq, last_hash FROM audit_chain_heads WHERE chain_id = $1`, [
      chainIdFor(tenantA),
    ]);
    expect(head.last_seq).toBe('4');
    expect(head.last_hash.equals(a[3].hash)).toBe(true);
    // Stored as given: ids, reason, ticket, request id; the clock's time.
    expect(a[0]).toMatchObject({
      tenant_id: tenantA,
      actor_kind: 'staff',
      actor_role: 'support',
      action: 'pii.revealed',
      targets: { orderIds: ['00000000-0000-4000-8000-000000000001'] },
      ticket_ref: 'ZD-1001',
      outcome: 'allowed',
      break_glass: false,
    });
    expect(a[0].occurred_at.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('an append in a transaction that rolls back leaves no gap', async () => {
    const before = (await entriesOf(chainIdFor(tenantA))).length;
    await expect(
      h.transactions.run(async (tx) => {
        const appended = await h.audit.append(tx, reveal(tenantA, 99));
        expect(appended.seq).toBe(String(before + 1));
        throw new Error('the access was refused after all');
      }),
    ).rejects.toThrow('the access was refused after all');
    // First use of a chain rolled back too: the head row it created is gone.
    const fresh = newId();
    await expect(
      h.transactions.run(async (tx) => {
        await h.audit.append(tx, reveal(fresh, 1));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(
      await h.dataSource.query(`SELECT 1 FROM audit_chain_heads WHERE chain_id = $1`, [chainIdFor(fresh)]),
    ).toEqual([]);

    const next = await h.audit.record(reveal(tenantA, 100));
    expect(next.seq).toBe(String(before + 1));
    expect((await h.audit.record(reveal(fresh, 1))).seq).toBe('1');
    expectValidChain(await entriesOf(chainIdFor(tenantA)));
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('serialises concurrent appenders on separate transactions into one gap-free chain', async () => {
    // Three appenders, a fresh tenant (so they also race to create the chain head) and an existing one.
    const fresh = newId();
    const perAppender = 15;
    await Promise.all(
      [0, 1, 2].map(async (w) => {
        for (let i = 0; i < perAppender; i++) {
          await h.transactions.run((tx) => h.audit.append(tx, reveal(i % 2 ? fresh : tenantB, w * 100 + i)));
        }
      }),
    );
    const rows = await entriesOf(chainIdFor(fresh));
    expect(rows).toHaveLength(3 * 7); // odd i of 0..14, per appender
    expectValidChain(rows);
    expectValidChain(await entriesOf(chainIdFor(tenantB)));
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('appends many entries of many chains at once, each chained as a single append chains it, beside single appends', async () => {
    // Existing chains (A, B) and a chain used for the first time, several entries per chain, in mixed order; two
    // multi-appenders and one single appender at once on overlapping chains (all take the heads in chain order).
    const fresh = newId();
    const batch = (n: number) => [reveal(tenantB, n), reveal(fresh, n), reveal(tenantA, n), reveal(tenantB, n + 1)];
    const [first, second] = await Promise.all([
      h.transactions.run((tx) => h.audit.appendMany(tx, batch(500))),
      h.transactions.run((tx) => h.audit.appendMany(tx, batch(600))),
      h.transactions.run((tx) => h.audit.append(tx, reveal(tenantA, 700))),
    ]);
    for (const appended of [first, second]) {
      expect(appended.map((e) => e.chainId)).toEqual([
        chainIdFor(tenantB),
        chainIdFor(fresh),
        chainIdFor(tenantA),
        chainIdFor(tenantB),
      ]);
      expect(BigInt(appended[3].seq)).toBe(BigInt(appended[0].seq) + 1n);
    }
    const freshRows = await entriesOf(chainIdFor(fresh));
    expect(freshRows.map((r) => r.seq)).toEqual(['1', '2']);
    for (const chain of [chainIdFor(tenantA), chainIdFor(tenantB), chainIdFor(fresh)]) {
      const rows = await entriesOf(chain);
      expectValidChain(rows);
      const [head] = await h.dataSource.query(`SELECT last_seq, last_hash FROM audit_chain_heads WHERE chain_id = $1`, [
        chain,
      ]);
      expect(head.last_seq).toBe(rows[rows.length - 1].seq);
      expect(head.last_hash.equals(rows[rows.length - 1].hash)).toBe(true);
    }
    // What appendMany answered is what was stored.
    const stored = await entriesOf(chainIdFor(tenantB));
    for (const e of [...first, ...second].filter((x) => x.chainId === chainIdFor(tenantB))) {
      expect(stored.find((r) => r.seq === e.seq)!.hash.toString('hex')).toBe(e.hash);
    }
    // A multi-append that rolls back leaves no gap and no head behind.
    const before = (await entriesOf(chainIdFor(tenantA))).length;
    const rolledBackChain = newId();
    await expect(
      h.transactions.run(async (tx) => {
        await h.audit.appendMany(tx, [reveal(tenantA, 800), reveal(rolledBackChain, 800)]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await entriesOf(chainIdFor(tenantA))).toHaveLength(before);
    expect(
      await h.dataSource.query(`SELECT 1 FROM audit_chain_heads WHERE chain_id = $1`, [chainIdFor(rolledBackChain)]),
    ).toEqual([]);
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
  });

  it('holds the chain head until the caller commits; a racing first use of a chain waits, then follows', async () => {
    const fresh = newId();
    let appended!: () => void;
    const firstAppended = new Promise<void>((r) => (appended = r));
    let commit!: () => void;
    const mayCommit = new Promise<void>((r) => (commit = r));
    const first = h.transactions.run(async (tx) => {
      const r = await h.audit.append(tx, reveal(fresh, 1));
      appended();
      await mayCommit;
      return r;
    });
    await firstAppended;
    let secondDone = false;
    let statements = 0;
    // On a server this blocks on the head row (its INSERT … ON CONFLICT waits for the first transaction);
    // on PGlite (one session) it waits for the session. Either way it may only finish after the first commits.
    const second = h.transactions
      .run((tx) => {
        // Appends go straight to the driver but still through TypeORM's logger: count this transaction's.
        const logger = tx.connection.logger;
        const logQuery = logger.logQuery.bind(logger);
        logger.logQuery = (sql, params, runner) => {
          if (runner === tx.queryRunner && /INSERT INTO audit_entries/.test(sql)) statements++;
          return logQuery(sql, params, runner);
        };
        return h.audit.append(tx, reveal(fresh, 2)).finally(() => (logger.logQuery = logQuery));
      })
      .finally(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(secondDone).toBe(false);
    commit();
    expect((await first).seq).toBe('1');
    expect((await second).seq).toBe('2');
    // On a server the loser saw no head, lost the race to create it, and ran the statement once more.
    expect(statements).toBe(usingServer() ? 2 : 1);
    expectValidChain(await entriesOf(chainIdFor(fresh)));
  });

  it('refuses entries that are not ids-only, too long, or of an unknown action, naming the fields', async () => {
    const bad: Array<[Partial<AuditEntryInput>, string]> = [
      [{ action: 'pii.peeked' as never }, 'action'],
      [{ reason: 'x'.repeat(501) }, 'reason'],
      [{ reason: 'line one\nforged line two' }, 'reason'],
      [{ targets: { orderIds: ['jane.doe@example.com'] } }, 'targets.orderIds'],
      [{ targets: { buyerEmail: 'jane.doe@example.com' } as never }, 'targets.buyerEmail'],
      [{ targets: { grantId: 'Jane Doe' } }, 'targets.grantId'],
      [{ tenantId: 'acme' }, 'tenantId'],
      [{ actor: { kind: 'robot' as never, id: 'x' } }, 'actor.kind'],
      [{ actor: { kind: 'staff', id: 'jane@example.com' } }, 'actor.id'],
      [{ outcome: 'maybe' as never }, 'outcome'],
      [{ ticketRef: 'ZD\u0000' }, 'ticketRef'],
    ];
    for (const [override, field] of bad) {
      const err = await h.audit.record({ ...reveal(tenantA, 1), ...override }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('validation_failed');
      expect((err as DomainError).details.map((d) => d.field)).toContain(field);
      // Messages name fields, never the rejected values.
      expect(JSON.stringify({ m: (err as DomainError).message, d: (err as DomainError).details })).not.toMatch(
        /jane|Jane|forged/,
      );
    }
    // Exactly 500 characters is fine, and uuids are stored lower-case.
    const upper = tenantA.toUpperCase();
    const ok = await h.audit.record({ ...reveal(upper, 1), reason: 'r'.repeat(500) });
    expect(ok.chainId).toBe(`tenant:${tenantA}`);
  });

  it('lists entries newest first within the scope: a seller sees only its own tenant, staff any', async () => {
    const sellerA = { kind: 'tenant', tenantId: tenantA } as const;
    const all = await h.query.list(sellerA, { limit: 500 });
    expect(all.items.length).toBeGreaterThan(0);
    expect(all.items.every((e) => e.tenantId === tenantA)).toBe(true);
    const times = all.items.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    // A seller naming another tenant learns nothing: 404, the same as a tenant that does not exist.
    await expect(h.query.list(sellerA, { tenantId: tenantB })).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.query.list(sellerA, { tenantId: newId() })).rejects.toMatchObject({ code: 'not_found' });
    expect((await h.query.list(sellerA, { tenantId: tenantA.toUpperCase() })).items.length).toBe(all.items.length);

    // Staff: any tenant, or everything (platform entries included).
    const b = await h.query.list(ALL_TENANTS, { tenantId: tenantB, limit: 500 });
    expect(b.items.length).toBeGreaterThan(0);
    expect(b.items.every((e) => e.tenantId === tenantB)).toBe(true);
    const everything = await h.query.list(ALL_TENANTS, { limit: 500 });
    expect(everything.items.some((e) => e.chainId === 'platform')).toBe(true);

    // Filters: action, actor, order id (targets contain it), time range.
    const denied = await h.query.list(ALL_TENANTS, { action: 'auth.failed' });
    expect(denied.items.map((e) => e.outcome)).toEqual(['denied']);
    const byActor = await h.query.list(ALL_TENANTS, { actorId: 'key:abcdefgh23456789' });
    expect(byActor.items).toHaveLength(1);
    const byOrder = await h.query.list(sellerA, { orderId: '00000000-0000-4000-8000-000000000002' });
    expect(byOrder.items.map((e) => e.seq)).toEqual(['2']);
    const window = await h.query.list(sellerA, {
      from: new Date('2026-11-02T10:00:01.000Z'),
      to: new Date('2026-11-02T10:00:03.000Z'),
    });
    expect(window.items.map((e) => e.occurredAt)).toEqual(['2026-11-02T10:00:01.500Z']);

    // Cursor pages cover everything exactly once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.query.list(ALL_TENANTS, { limit: 7, cursor });
      seen.push(...page.items.map((e) => `${e.chainId}#${e.seq}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.items.map((e) => `${e.chainId}#${e.seq}`));
    expect(new Set(seen).size).toBe(seen.length);

    await expect(h.query.list(ALL_TENANTS, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(h.query.list(ALL_TENANTS, { limit: 501 })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(h.query.list(ALL_TENANTS, { action: 'pii.peeked' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('matches the documented hash formula for a hand-built entry', () => {
    const e = {
      chainId: 'platform',
      tenantId: null,
      occurredAt: '2026-11-02T10:00:00.000Z',
      actorKind: 'system',
      actorId: 'cli',
      actorRole: null,
      action: 'audit.exported',
      targets: { tenantId: '0b6d2a4e-8f1c-4d7a-9e3b-5c2f1a0d9e8b', orderIds: ['b', 'a'] },
      reason: 'ü "quoted"',
      ticketRef: null,
      requestId: 'r1',
      outcome: 'allowed',
      breakGlass: false,
    };
    const canonical = canonicalEntryBytes(e).toString('utf8');
    expect(canonical).toBe(
      '["ov-audit-v1","platform",null,"2026-11-02T10:00:00.000Z","system","cli",null,"audit.exported",' +
        '{"orderIds":["b","a"],"tenantId":"0b6d2a4e-8f1c-4d7a-9e3b-5c2f1a0d9e8b"},"ü \\"quoted\\"",null,"r1","allowed",false]',
    );
    const seq = Buffer.from('0000000000000001', 'hex');
    expect(entryHash(GENESIS_HASH, 1n, Buffer.from(canonical)).toString('hex')).toBe(
      createHash('sha256').update(Buffer.alloc(32)).update(seq).update(canonical, 'utf8').digest('hex'),
    );
  });
});
