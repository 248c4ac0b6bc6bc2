import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_TENANTS, chainIdFor, checkManifest, nodeManifestCrypto, parseManifest } from '../../src/audit';
import { checkExportLinks } from '../../src/audit/audit-export-links';
import { verifyExportWithManifest } from '../../src/cli/audit-commands';
import { signingKeyIdOf } from '../../src/crypto';
import { TEST_ACTOR } from '../support/test-actor';
import { auditHarness, newId, publishedKeys, reveal, type AuditHarness } from './audit-fixture';

/** The signed manifest of an export: made with the checkpoint key, checked offline by the CLI's code. */
describe('access-log exports with a signed manifest', () => {
  let h: AuditHarness;
  let dir: string;
  let keys: Buffer[];
  const A = newId();
  const B = newId();

  beforeAll(async () => {
    h = await auditHarness();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ov-manifest-'));
    for (let i = 1; i <= 4; i++) await h.audit.record(reveal(A, i, { reason: i === 2 ? '=1+1' : `parcel ${i}` }));
    for (let i = 1; i <= 2; i++) await h.audit.record(reveal(B, i));
    await h.checkpoints.writeNow();
    keys = await publishedKeys(h);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await h?.close();
  });

  async function exported(format: 'ndjson' | 'csv', tenantId: string | null = null) {
    const signed = await h.bundles.create(TEST_ACTOR, ALL_TENANTS, tenantId, format);
    const file = path.join(dir, `${newId()}.${format}`);
    const manifest = `${file}.manifest.json`;
    writeFileSync(file, signed.body);
    writeFileSync(manifest, JSON.stringify(signed.manifest));
    return { signed, file, manifest };
  }

  it('signs the SHA-256, scope and counts of an NDJSON export, and the CLI verifies both', async () => {
    const { signed, file, manifest } = await exported('ndjson');
    expect(signed.manifest).toMatchObject({
      format: 'ordervault-audit-export-manifest/v1',
      file: { format: 'ndjson', bytes: signed.body.length },
      scope: { kind: 'all', tenantId: null },
      counts: { chains: 3, entries: 7, checkpoints: 1 },
      signingKeyId: signingKeyIdOf(keys[0]),
    });
    const r = await verifyExportWithManifest(file, manifest, keys);
    expect(r.manifest).toMatchObject({ ok: true });
    expect(r.log).toMatchObject({ ok: true, entries: 7, checkpoints: 1 });
    expect(r.ok).toBe(true);
  });

  it("a tenant's export names its scope and holds its chain only", async () => {
    const { signed, file, manifest } = await exported('ndjson', A);
    expect(signed.manifest.scope).toEqual({ kind: 'tenant', tenantId: A });
    expect(signed.manifest.counts).toMatchObject({ chains: 1 });
    expect(signed.body.toString()).toContain(chainIdFor(A));
    expect(signed.body.toString()).not.toContain(chainIdFor(B));
    expect((await verifyExportWithManifest(file, manifest, keys)).ok).toBe(true);
  });

  it('detects a changed entry in the file: the manifest hash and the chain both say so, at the same entry', async () => {
    const { file, manifest } = await exported('ndjson');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"parcel 3"'));
    lines[at] = lines[at].replace('"parcel 3"', '"parcel 9"');
    writeFileSync(file, lines.join('\n'));
    const r = await verifyExportWithManifest(file, manifest, keys);
    expect(r.ok).toBe(false);
    expect(r.manifest).toMatchObject({ ok: false, problem: 'file_mismatch' });
    expect(r.log?.firstBad).toMatchObject({ chainId: chainIdFor(A), seq: '3', problem: 'hash_mismatch' });
    const links = await checkExportLinks(lines.join('\n'), nodeManifestCrypto.sha256);
    expect(links.firstBad).toMatchObject({ chainId: chainIdFor(A), seq: '3', problem: 'hash_mismatch', line: at + 1 });
  });

  it('detects a changed manifest (its signature no longer verifies)', async () => {
    const { file, manifest } = await exported('ndjson');
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    m.counts.entries += 1;
    writeFileSync(manifest, JSON.stringify(m));
    const r = await verifyExportWithManifest(file, manifest, keys);
    expect(r.ok).toBe(false);
    expect(r.manifest).toMatchObject({ ok: false, problem: 'bad_signature' });
  });

  it('refuses a manifest checked with another key, or re-signed by another key', async () => {
    const { signed, file, manifest } = await exported('csv');
    const other = generateKeyPairSync('ed25519');
    const otherRaw = Buffer.from(other.publicKey.export({ format: 'jwk' }).x!, 'base64url');
    expect((await verifyExportWithManifest(file, manifest, [otherRaw])).manifest).toMatchObject({
      ok: false,
      problem: 'unknown_key',
    });
    // A forger with their own key claiming the published key's id: the signature fails.
    const forged = { ...signed.manifest, signature: 'ab'.repeat(64) };
    const check = await checkManifest(
      nodeManifestCrypto,
      JSON.stringify(forged),
      signed.body,
      new Map([[signed.manifest.signingKeyId, keys[0]]]),
    );
    expect(check).toMatchObject({ ok: false, problem: 'bad_signature' });
  });

  it('exports CSV with formulas neutralised, verified by its manifest alone', async () => {
    const { signed, file, manifest } = await exported('csv');
    const text = signed.body.toString('utf8');
    expect(text.split('\r\n')[0]).toMatch(/^chainId,seq,occurredAt,/);
    expect(text).toContain(",'=1+1,");
    expect(text).not.toMatch(/,=1\+1,/);
    expect(parseManifest(JSON.stringify(signed.manifest))?.file.format).toBe('csv');
    const r = await verifyExportWithManifest(file, manifest, keys);
    expect(r).toMatchObject({ ok: true, log: null, manifest: { ok: true } });
    writeFileSync(file, text.replace("'=1+1", '=1+1'));
    expect((await verifyExportWithManifest(file, manifest, keys)).manifest).toMatchObject({
      problem: 'file_mismatch',
    });
  });

  it('logs every export (audit.exported) in the exported chain', async () => {
    const { signed } = await exported('csv', B);
    expect(signed.body.toString()).toContain('audit.exported');
  });
});
