import { createHash } from 'node:crypto';
import { SIGNING_ALGORITHM, signingKeyIdOf, verifyEd25519 } from '../crypto';
import { canonicalJson } from './audit-hash';

/**
 * The first line of the bytes a deletion certificate's signature covers. Checkpoint statements start with
 * `ordervault/audit/checkpoint/v1\n` (audit-hash.ts), so no certificate signature can be passed off as a
 * checkpoint signature or the other way round, although the same published key signs both.
 */
export const DELETION_CERTIFICATE_ORIGIN = 'ordervault/audit/deletion-certificate/v1';
export const DELETION_CERTIFICATE_FORMAT = 'ordervault-deletion-certificate/v1';

/** A chain head as the certificate names it (seq as a decimal string, hash as 64 hex digits). */
export interface CertifiedChainHead {
  readonly chainId: string;
  readonly seq: string;
  readonly hash: string;
}

/** The access log at the moment of the deletion. */
export interface CertifiedAuditHead {
  /** The tenant's chain head just before the `tenant.offboarded` entry (whose previous hash it is). */
  readonly tenantChain: CertifiedChainHead | null;
  readonly platformChain: CertifiedChainHead | null;
  /** The newest signed checkpoint then. */
  readonly checkpoint: { readonly seq: string; readonly createdAt: string; readonly root: string } | null;
}

/** What the signature covers (see docs/DELETION-CERTIFICATE.md). Ids and counts only, never buyer data. */
export interface DeletionCertificateBody {
  readonly tenantId: string;
  readonly requestedBy: string;
  readonly reason: string;
  readonly ticketRef: string | null;
  readonly startedAt: string;
  readonly completedAt: string;
  /** Rows deleted per table. */
  readonly deletedRows: Readonly<Record<string, number>>;
  /** Rows kept and made inert per table (API keys revoked, console accounts disabled, sessions ended, ...). */
  readonly revokedRows: Readonly<Record<string, number>>;
  readonly destroyedKeys: readonly string[];
  /** Orders written to the seller's export bundle before the deletion; null when no bundle was asked for. */
  readonly exportedOrders: number | null;
  /** Legal holds active at the time that an admin chose to override (empty unless forced). */
  readonly overriddenLegalHolds: readonly string[];
  readonly auditHead: CertifiedAuditHead;
}

export interface DeletionCertificate {
  readonly format: typeof DELETION_CERTIFICATE_FORMAT;
  readonly certificate: DeletionCertificateBody;
  readonly signature: { readonly algorithm: typeof SIGNING_ALGORITHM; readonly keyId: string; readonly value: string };
}

/** The signed bytes: the origin line, a newline, then the body as canonical JSON (RFC 8785). */
export function certificateStatementBytes(body: unknown): Buffer {
  return Buffer.from(`${DELETION_CERTIFICATE_ORIGIN}\n${canonicalJson(body)}`, 'utf8');
}

/** SHA-256 (hex) of the signed bytes: what the `tenant.offboarded` access-log entry names. */
export function certificateHash(body: unknown): string {
  return createHash('sha256').update(certificateStatementBytes(body)).digest('hex');
}

export type CertificateCheck = { ok: true; keyId: string; hash: string } | { ok: false; problem: string };

/**
 * Verifies a certificate as read from a file (any JSON value) against published keys, offline. A changed
 * byte anywhere in the body, the key id or the signature fails; so does a certificate of another format.
 */
export function verifyDeletionCertificate(value: unknown, publicKeys: readonly Uint8Array[]): CertificateCheck {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const c = value as Record<string, unknown>;
  if (c.format !== DELETION_CERTIFICATE_FORMAT) {
    return { ok: false, problem: `format is not ${DELETION_CERTIFICATE_FORMAT}` };
  }
  const body = c.certificate;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problem: 'no certificate body' };
  const sig = c.signature as Record<string, unknown> | undefined;
  if (!sig || sig.algorithm !== SIGNING_ALGORITHM || typeof sig.keyId !== 'string' || typeof sig.value !== 'string') {
    return { ok: false, problem: 'signature must be { algorithm: "Ed25519", keyId, value (base64) }' };
  }
  const key = publicKeys.find((k) => signingKeyIdOf(k) === sig.keyId);
  if (!key) return { ok: false, problem: `signed by key ${sig.keyId}, which is not among the public keys given` };
  if (!/^[A-Za-z0-9+/]{86}==$/.test(sig.value))
    return { ok: false, problem: 'signature value is not 64 bytes of base64' };
  if (!verifyEd25519(key, certificateStatementBytes(body), Buffer.from(sig.value, 'base64'))) {
    return { ok: false, problem: 'signature does not match the certificate (edited, or signed by another key)' };
  }
  return { ok: true, keyId: sig.keyId, hash: certificateHash(body) };
}
