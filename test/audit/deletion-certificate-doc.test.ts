import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkpointStatementBytes } from '../../src/audit/audit-hash';
import {
  certificateHash,
  certificateStatementBytes,
  verifyDeletionCertificate,
  type DeletionCertificate,
} from '../../src/audit/deletion-certificate';
import { parseEd25519PublicKey } from '../../src/crypto/signing-key-format';

const DOC = readFileSync(path.resolve(__dirname, '../../docs/DELETION-CERTIFICATE.md'), 'utf8');

function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\\n?\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(DOC);
  if (!m) throw new Error(`docs/DELETION-CERTIFICATE.md has no example "${name}"`);
  return m[1];
}

/** docs/DELETION-CERTIFICATE.md's worked example, checked with the code that signs and verifies certificates. */
describe('the deletion-certificate document matches the code', () => {
  const cert = JSON.parse(example('certificate')) as DeletionCertificate;
  const key = parseEd25519PublicKey(example('public-key'));

  it('the example verifies, its signed bytes and hash are the ones shown', () => {
    expect(verifyDeletionCertificate(cert, [key])).toEqual({
      ok: true,
      keyId: cert.signature.keyId,
      hash: example('hash'),
    });
    expect(certificateStatementBytes(cert.certificate).toString('utf8')).toBe(example('signed-bytes'));
    expect(certificateHash(cert.certificate)).toBe(example('hash'));
  });

  it('an edited count, key id, time or signature fails, with a reason', () => {
    const edits: unknown[] = [
      { ...cert, certificate: { ...cert.certificate, deletedRows: { ...cert.certificate.deletedRows, orders: 4 } } },
      { ...cert, certificate: { ...cert.certificate, destroyedKeys: cert.certificate.destroyedKeys.slice(1) } },
      { ...cert, certificate: { ...cert.certificate, completedAt: '2026-12-01T09:00:04.251Z' } },
      { ...cert, signature: { ...cert.signature, value: `A${cert.signature.value.slice(1)}` } },
      { ...cert, signature: { ...cert.signature, keyId: '0'.repeat(32) } },
      { ...cert, format: 'ordervault-deletion-certificate/v2' },
      'not an object',
    ];
    for (const edited of edits) {
      const check = verifyDeletionCertificate(edited, [key]);
      expect(check.ok).toBe(false);
      expect(check.ok ? '' : check.problem).toMatch(/\w/);
    }
  });

  it('a checkpoint signature by the same key never verifies as a certificate (domain separation)', () => {
    const seedKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 1)]),
      format: 'der',
      type: 'pkcs8',
    });
    const statement = checkpointStatementBytes({
      checkpointSeq: '1',
      createdAt: '2026-12-01T00:00:00.000Z',
      chainCount: 1,
      root: 'c'.repeat(64),
    });
    expect(statement.toString('utf8').startsWith('ordervault/audit/checkpoint/v1\n')).toBe(true);
    expect(
      certificateStatementBytes({}).toString('utf8').startsWith('ordervault/audit/deletion-certificate/v1\n'),
    ).toBe(true);
    const forged = {
      ...cert,
      signature: { ...cert.signature, value: sign(null, statement, seedKey).toString('base64') },
    };
    expect(verifyDeletionCertificate(forged, [key]).ok).toBe(false);
    // The seed is the example's: the same key does verify a certificate it signed.
    const resigned = {
      ...cert,
      signature: {
        ...cert.signature,
        value: sign(null, certificateStatementBytes(cert.certificate), seedKey).toString('base64'),
      },
    };
    expect(verifyDeletionCertificate(resigned, [key]).ok).toBe(true);
  });
});
