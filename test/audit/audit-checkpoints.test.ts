import { SchedulerRegistry } from '@nestjs/schedule';
import { createHash, verify as nodeVerify, createPublicKey } from 'node:crypto';
import {
  ALL_TENANTS,
  AuditCheckpointService,
  chainIdFor,
  CHECKPOINT_FRESH_AFTER_MS,
  CHECKPOINT_MAX_INTERVAL_MS,
  verifyExport,
  type CheckpointRecord,
} from '../../src/audit';
import {
  checkpointStatementBytes,
  headLeafHash,
  inclusionProof,
  merkleRoot,
  verifyInclusion,
} from '../../src/audit/audit-hash';
import type { AppConfig } from '../../src/config';
import {
  auditHarness,
  auditServices,
  exportLines,
  newId,
  publishedKeys,
  reveal,
  silentLogger,
  type AuditHarness,
} from './audit-fixture';

// Certificate Transparency's RFC 6962 reference vectors (the inputs and roots of certificate-transparency-go's
// merkletree tests, reused by most CT implementations).
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** [0-based leaf index, tree size, audit path] from the same vectors. */
const CT_PATHS: Array<[number, number, string[]]> = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];

describe('RFC 6962 Merkle tree', () => {
  const leaves = CT_INPUTS.map((hex) =>
    createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(hex, 'hex')]))
      .digest(),
  );

  it('computes the reference roots and audit paths, and verifies them', () => {
    expect(merkleRoot([]).toString('hex')).toBe(createHash('sha256').digest('hex'));
    CT_ROOTS.forEach((root, i) => expect(merkleRoot(leaves.slice(0, i + 1)).toString('hex')).toBe(root));
    for (const [index, size, path] of CT_PATHS) {
      const tree = leaves.slice(0, size);
      expect(inclusionProof(tree, index).map((p) => p.toString('hex'))).toEqual(path);
      const root = Buffer.from(CT_ROOTS[size - 1], 'hex');
      const proof = path.map((p) => Buffer.from(p, 'hex'));
      expect(verifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
      // Wrong leaf, wrong index, truncated or padded path: all refused. (The tree size is bound by the signed
      // statement's chain count, like the tree size of a signed tree head.)
      expect(verifyInclusion(leaves[(index + 1) % size], index, size, proof, root)).toBe(false);
      expect(verifyInclusion(leaves[index], (index + 1) % size, size, proof, root)).toBe(false);
      expect(verifyInclusion(leaves[index], size, size, proof, root)).toBe(false);
      expect(verifyInclusion(leaves[index], index, size, proof.slice(1), root)).toBe(false);
      expect(verifyInclusion(leaves[index], index, size, [...proof, proof[0]], root)).toBe(false);
    }
  });

  it('proves every leaf of every tree size up to 40', () => {
    for (let n = 1; n <= 40; n++) {
      const tree = Array.from({ length: n }, (_, i) => createHash('sha256').update(`leaf ${i}`).digest());
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) expect(verifyInclusion(tree[i], i, n, inclusionProof(tree, i), root)).toBe(true);
    }
  });
});

describe('access log: signed checkpoints', () => {
  let h: AuditHarness;
  const A = newId();
  const B = newId();

  beforeAll(async () => {
    h = await auditHarness();
  });
  afterAll(() => h.close());

  const checkpointRows = (): Promise<Array<{ checkpoint_seq: string; created_at: Date; heads: unknown[] }>> =>
    h.dataSource.query(
      `SELECT checkpoint_seq::text AS checkpoint_seq, created_at, heads FROM audit_checkpoints ORDER BY checkpoint_seq`,
    );

  it('a tick writes a signed checkpoint at least every five minutes, including when nothing happened', async () => {
    // An empty log is attested too: no chains, the empty tree's root.
    const first = await h.checkpoints.tick();
    expect(first).toMatchObject({ checkpointSeq: '1', chainCount: 0, root: createHash('sha256').digest('hex') });
    // Idempotent: a second tick at once (another replica, or a retry) writes nothing.
    expect(await h.checkpoints.tick()).toBeNull();

    // One tick a minute for 30 quiet minutes.
    const written: string[] = [];
    for (let minute = 1; minute <= 30; minute++) {
      h.clock.advance(60_000);
      const c = await h.checkpoints.tick();
      if (c) written.push(c.createdAt);
    }
    const rows = await checkpointRows();
    expect(rows.length).toBe(1 + written.length);
    expect(written.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < rows.length; i++) {
      const gap = rows[i].created_at.getTime() - rows[i - 1].created_at.getTime();
      expect(gap).toBeLessThanOrEqual(CHECKPOINT_MAX_INTERVAL_MS);
      expect(gap).toBeGreaterThan(0);
    }
    expect(rows.every((r) => r.heads.length === 0)).toBe(true);
    expect(await h.verifier.verify(ALL_TENANTS)).toMatchObject({ ok: true, checkpoints: rows.length, entries: 0 });
  });

  it('attests every chain head; entries since the last checkpoint are reported as not yet attested', async () => {
    for (let i = 1; i <= 3; i++) await h.audit.record(reveal(A, i));
    await h.audit.record(reveal(B, 1));
    let report = await h.verifier.verify(ALL_TENANTS);
    expect(report).toMatchObject({ ok: true, unattestedEntries: 4 });
    h.clock.advance(CHECKPOINT_MAX_INTERVAL_MS);
    const c = await h.checkpoints.tick();
    expect(c).toMatchObject({ chainCount: 2 });
    const [row] = await h.dataSource.query(`SELECT heads FROM audit_checkpoints WHERE checkpoint_seq = $1`, [
      c!.checkpointSeq,
    ]);
    const heads = row.heads as Array<{ chainId: string; seq: string; hash: string }>;
    expect(heads.map((x) => [x.chainId, x.seq])).toEqual(
      [
        [chainIdFor(A), '3'],
        [chainIdFor(B), '1'],
      ].sort((x, y) => Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0]))),
    );
    expect(merkleRoot(heads.map(headLeafHash)).toString('hex')).toBe(c!.root);
    // Independent check of the signature with Node's Ed25519 over the documented statement.
    const [key] = await publishedKeys(h);
    const spki = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.toString('base64url') }, format: 'jwk' });
    const statement = checkpointStatementBytes(c!);
    expect(statement.toString()).toBe(
      `ordervault/audit/checkpoint/v1\n${c!.checkpointSeq}\n${c!.createdAt}\n2\n${c!.root}\n`,
    );
    expect(nodeVerify(null, statement, spki, Buffer.from(c!.signature, 'hex'))).toBe(true);
    report = await h.verifier.verify(ALL_TENANTS);
    expect(report).toMatchObject({ ok: true, unattestedEntries: 0, chains: 2 });
  });

  it('replicas ticking at the same moment write one checkpoint', async () => {
    h.clock.advance(CHECKPOINT_MAX_INTERVAL_MS);
    const replicas = await Promise.all(
      [0, 1, 2].map(() => auditServices(h.dataSource, { clock: h.clock, masterKey: h.masterKey })),
    );
    const before = (await checkpointRows()).length;
    const results = await Promise.all(replicas.map((r) => r.checkpoints.tick()));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await checkpointRows()).length).toBe(before + 1);
  });

  it('on demand: the request is logged and attested by the checkpoint it asked for', async () => {
    const c = await h.checkpoints.write({
      actor: { kind: 'staff', id: '2b9b7a0c-8d1e-4f5a-9c3b-6e7d8f9a0b1c', role: 'auditor', keyId: 'abcdefghjkmnpqrs' },
      requestId: 'req-checkpoint-1',
    });
    const [entry] = await h.dataSource.query(
      `SELECT seq::text AS seq, encode(hash, 'hex') AS hash, actor_role FROM audit_entries
       WHERE chain_id = 'platform' AND action = 'audit.checkpoint.requested'`,
    );
    expect(entry.actor_role).toBe('auditor');
    const [row] = await h.dataSource.query(`SELECT heads FROM audit_checkpoints WHERE checkpoint_seq = $1`, [
      c.checkpointSeq,
    ]);
    expect(row.heads).toContainEqual({ chainId: 'platform', seq: entry.seq, hash: entry.hash });
    expect((await h.checkpoints.latest())?.checkpointSeq).toBe(c.checkpointSeq);
  });

  it("a seller's export holds only its chain, with inclusion proofs, and verifies offline with the public key", async () => {
    await h.audit.record(reveal(A, 4)); // newer than every checkpoint
    const lines = await exportLines(h, A);
    const records = lines.map((l) => JSON.parse(l));
    expect(records[0]).toMatchObject({ type: 'header', scope: 'tenant', tenantId: A, chainId: chainIdFor(A) });
    const entries = records.filter((r) => r.type === 'entry');
    expect(entries.map((e) => e.seq)).toEqual(['1', '2', '3', '4']);
    expect(entries.every((e) => e.chainId === chainIdFor(A))).toBe(true);
    const checkpoints: CheckpointRecord[] = records.filter((r) => r.type === 'checkpoint');
    expect(checkpoints.every((c) => c.heads === undefined)).toBe(true);
    // Nothing of tenant B (or the platform chain) in a byte of it.
    expect(lines.join('\n')).not.toContain(B);
    expect(lines.join('\n')).not.toContain('"platform"');
    const proven = checkpoints.filter((c) => c.head);
    expect(proven.length).toBeGreaterThan(0);
    expect(checkpoints.filter((c) => !c.head).length).toBeGreaterThan(0); // before A existed
    expect(records[records.length - 1]).toEqual({ type: 'end', checkpoints: checkpoints.length, entries: 4 });

    const keys = await publishedKeys(h);
    expect(verifyExport(lines, keys)).toMatchObject({
      ok: true,
      chains: 1,
      entries: 4,
      checkpoints: checkpoints.length,
      unattestedEntries: 1,
    });
    // The same file fails with another key, with an edited entry, a broken proof, or a missing tail.
    const other = Buffer.alloc(32, 7);
    expect(verifyExport(lines, [other]).firstBad).toMatchObject({ chainId: 'checkpoints', problem: 'bad_signature' });
    const edit = (match: (r: any) => boolean, change: (r: any) => void) =>
      lines.map((l) => {
        const r = JSON.parse(l);
        if (!match(r)) return l;
        change(r);
        return JSON.stringify(r);
      });
    expect(
      verifyExport(
        edit(
          (r) => r.type === 'entry' && r.seq === '2',
          (r) => (r.reason = 'routine'),
        ),
        keys,
      ).firstBad,
    ).toMatchObject({ chainId: chainIdFor(A), seq: '2', problem: 'hash_mismatch' });
    const firstProven = proven[0].checkpointSeq;
    expect(
      verifyExport(
        edit(
          (r) => r.type === 'checkpoint' && r.checkpointSeq === firstProven,
          (r) => (r.head.seq = '2'),
        ),
        keys,
      ).firstBad,
    ).toMatchObject({ chainId: 'checkpoints', seq: firstProven, problem: 'root_mismatch' });
    const withoutTail = lines.filter((l) => !/"type":"entry".*"seq":"(3|4)"/.test(l));
    const dropped = verifyExport(withoutTail, keys);
    expect(dropped.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ chainId: chainIdFor(A), seq: '3', problem: 'missing_tail' })]),
    );
    const truncated = verifyExport(lines.slice(0, -1), keys);
    expect(truncated.firstBad).toMatchObject({ chainId: 'export', problem: 'malformed' });
    expect(verifyExport(['not json'], keys).ok).toBe(false);
  });

  it('a full export verifies offline too, and matches online verification', async () => {
    const keys = await publishedKeys(h);
    const offline = verifyExport(await exportLines(h, null), keys);
    const online = await h.verifier.verify(ALL_TENANTS);
    expect(offline).toEqual(online);
    expect(online.ok).toBe(true);
  });

  it('keeps verifying after the signing key is rotated (old checkpoints by the retired key)', async () => {
    const before = (await h.publicKeys.view()).current.keyId;
    await h.signingKeys.rotate('audit.checkpoint');
    h.clock.advance(CHECKPOINT_MAX_INTERVAL_MS);
    const c = await h.checkpoints.tick();
    const view = await h.publicKeys.view();
    expect(view.current.keyId).not.toBe(before);
    expect(c!.signingKeyId).toBe(view.current.keyId);
    expect(view.keys.find((k) => k.keyId === before)?.retiredAt).not.toBeNull();
    expect((await h.verifier.verify(ALL_TENANTS)).ok).toBe(true);
    // Offline, with only the new key, the older checkpoints are not attested by anything the verifier trusts.
    const onlyNew = verifyExport(await exportLines(h, null), [Buffer.from(view.current.publicKey, 'base64')]);
    expect(onlyNew.firstBad).toMatchObject({ chainId: 'checkpoints', seq: '1', problem: 'bad_signature' });
  });

  it('registers the five-minute job only when the scheduler is enabled, and stops it on shutdown', async () => {
    for (const enabled of [false, true]) {
      const registry = new SchedulerRegistry();
      const service = new AuditCheckpointService(
        { sync: { schedulerEnabled: enabled } } as AppConfig,
        registry,
        h.transactions,
        h.clock,
        h.signingKeys,
        h.audit,
        h.checkpointRows,
        silentLogger(),
      );
      service.onApplicationBootstrap();
      expect(registry.doesExist('interval', 'audit-checkpoint')).toBe(enabled);
      await service.beforeApplicationShutdown();
      expect(registry.doesExist('interval', 'audit-checkpoint')).toBe(false);
    }
  });

  it('signs a new entry within seconds, not minutes: the unsigned tail stays short', async () => {
    h.clock.advance(CHECKPOINT_MAX_INTERVAL_MS);
    expect(await h.checkpoints.tick()).not.toBeNull();
    h.clock.advance(CHECKPOINT_FRESH_AFTER_MS);
    // Nothing new: no checkpoint until the five-minute attestation.
    expect(await h.checkpoints.tick()).toBeNull();
    // A tenant of its own, so the chains the later tests count are untouched.
    const C = newId();
    await h.audit.record(reveal(C, 1));
    const signed = await h.checkpoints.tick();
    expect(signed).not.toBeNull();
    expect(await h.verifier.verify(ALL_TENANTS)).toMatchObject({ ok: true, unattestedEntries: 0 });
    // Right after a checkpoint, a new entry waits for the next tick past the fresh interval.
    await h.audit.record(reveal(C, 2));
    expect(await h.checkpoints.tick()).toBeNull();
    h.clock.advance(CHECKPOINT_FRESH_AFTER_MS);
    expect(await h.checkpoints.tick()).not.toBeNull();
  });
});
