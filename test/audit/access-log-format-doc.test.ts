import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  be64,
  canonicalEntryBytes,
  checkpointStatementBytes,
  compareChainIds,
  entryHash,
  GENESIS_HASH,
  headLeafHash,
  inclusionProof,
  merkleRoot,
} from '../../src/audit/audit-hash';
import type { EntryRecord } from '../../src/audit/audit-records';
import { verifyExport } from '../../src/audit/audit-verification';
import { signingKeyIdOf, verifyEd25519 } from '../../src/crypto/signing-key-format';

const DOC = readFileSync(path.resolve(__dirname, '../../docs/ACCESS-LOG-FORMAT.md'), 'utf8');

/** The fenced block after `<!-- example: name -->`, without its final newline. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\\n?\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/ACCESS-LOG-FORMAT.md has no example "${name}"`);
  return m[1];
}

/** Ed25519 private key from a raw 32-byte seed (PKCS#8 wrapping of RFC 8410). */
const seedKey = (seed: Buffer) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });

/** docs/ACCESS-LOG-FORMAT.md's worked example, recomputed with the code that writes and verifies the log. */
describe('the access-log format document matches the code', () => {
  const entry = JSON.parse(example('entry-line')) as EntryRecord;

  it('entry: canonical bytes, hash input and hash', () => {
    const bytes = canonicalEntryBytes(entry);
    expect(bytes.toString('utf8')).toBe(example('entry-canonical'));
    expect(DOC).toContain(`these ${bytes.length} bytes of UTF-8`);
    expect(Buffer.concat([GENESIS_HASH, be64(BigInt(entry.seq))]).toString('hex')).toBe(example('entry-hash-prefix'));
    const hash = entryHash(GENESIS_HASH, BigInt(entry.seq), bytes).toString('hex');
    expect(hash).toBe(example('entry-hash'));
    expect(entry).toMatchObject({ hash, prevHash: GENESIS_HASH.toString('hex') });
    // The order the document states is the one hashed: swapping two positions changes the bytes.
    expect(canonicalEntryBytes({ ...entry, actorId: entry.actorKind, actorKind: entry.actorId }).equals(bytes)).toBe(
      false,
    );
  });

  it('checkpoint: leaves, root, statement, signature input and signature', () => {
    const heads = [
      { chainId: 'platform', seq: '12', hash: 'a'.repeat(64) },
      { chainId: entry.chainId, seq: entry.seq, hash: entry.hash },
    ].sort((a, b) => compareChainIds(a.chainId, b.chainId));
    const leafInputs = heads.map((h) =>
      Buffer.concat([
        Buffer.from([0]),
        Buffer.from(h.chainId, 'utf8'),
        Buffer.from([0]),
        be64(BigInt(h.seq)),
        Buffer.from(h.hash, 'hex'),
      ]).toString('hex'),
    );
    expect(leafInputs.join('\n')).toBe(example('leaf-inputs'));
    const leaves = heads.map(headLeafHash);
    expect(leaves.map((l) => l.toString('hex')).join('\n')).toBe(example('leaves'));
    const root = merkleRoot(leaves).toString('hex');
    expect(root).toBe(example('root'));

    const statement = checkpointStatementBytes({
      checkpointSeq: '1',
      createdAt: '2026-11-02T10:00:05.000Z',
      chainCount: 2,
      root,
    });
    expect(statement.toString('utf8')).toBe(`${example('statement')}\n`);
    expect(DOC).toContain(`(${statement.length} bytes;`);

    const key = seedKey(Buffer.alloc(32, 7));
    const publicKey = Buffer.from(example('public-key'), 'hex');
    const jwk = key.export({ format: 'jwk' }) as { x: string };
    expect(Buffer.from(jwk.x, 'base64url').equals(publicKey)).toBe(true);
    expect(DOC).toContain(`base64 \`${publicKey.toString('base64')}\``);
    expect(signingKeyIdOf(publicKey)).toBe(example('key-id'));
    const signature = sign(null, statement, key);
    expect(signature.toString('hex')).toBe(example('signature'));
    expect(verifyEd25519(publicKey, statement, signature)).toBe(true);

    const proof = inclusionProof(leaves, 1).map((p) => p.toString('hex'));
    const exported = example('export').split('\n');
    expect(JSON.parse(exported[1])).toMatchObject({
      root,
      signature: example('signature'),
      signingKeyId: example('key-id'),
      leafIndex: 1,
      proof,
    });
  });

  it('the example export verifies offline with the example key, and names the deleted entry first, before the end line counts', () => {
    const publicKey = Buffer.from(example('public-key'), 'hex');
    const lines = example('export').split('\n');
    expect(JSON.parse(lines[2])).toEqual({ ...entry });
    const report = verifyExport(lines, publicKey);
    expect(report).toMatchObject({ ok: true, chains: 1, entries: 1, checkpoints: 1, unattestedEntries: 0 });

    const withoutEntry = verifyExport([lines[0], lines[1], lines[3]], publicKey);
    expect(withoutEntry.ok).toBe(false);
    expect(withoutEntry.firstBad).toMatchObject({ chainId: entry.chainId, seq: '1', problem: 'missing_tail' });
    expect(withoutEntry.problems.at(-1)).toMatchObject({ chainId: 'export', problem: 'malformed' });
  });
});
