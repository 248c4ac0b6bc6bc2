import type { PublishedSigningKey } from '../crypto';
import type { AuditVerificationReport } from './audit-verification';
import { checkpointBase, entryRecordOf, type CheckpointRow, type EntryRow } from './audit-rows';

/** One access-log entry as the API returns it. Ids only: there is no buyer data in the log by construction. */
export interface AuditEntryView {
  chainId: string;
  seq: string;
  tenantId: string | null;
  occurredAt: string;
  /** `keyId`: the API key the actor authenticated with (null for system actors and older entries). */
  actor: { kind: string; id: string; role: string | null; keyId: string | null };
  action: string;
  targets: unknown;
  reason: string | null;
  ticketRef: string | null;
  requestId: string | null;
  outcome: string;
  breakGlass: boolean;
  prevHash: string;
  hash: string;
}

export interface AuditEntryPage {
  items: AuditEntryView[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface AuditCheckpointView {
  checkpointSeq: string;
  createdAt: string;
  chainCount: number;
  root: string;
  signingKeyId: string;
  signature: string;
}

export interface SigningKeyView {
  keyId: string;
  algorithm: string;
  /** Raw 32-byte Ed25519 key, base64 (what `ordervault audit verify --public-key` takes). */
  publicKey: string;
  publicKeyHex: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface PublicKeysView {
  purpose: 'audit.checkpoint';
  /** The key signing new checkpoints. */
  current: SigningKeyView;
  /** Every key, retired ones included (they verify older checkpoints). */
  keys: SigningKeyView[];
}

export type AuditVerificationView = AuditVerificationReport;

export function toAuditEntryView(r: EntryRow): AuditEntryView {
  const e = entryRecordOf(r);
  return {
    chainId: e.chainId,
    seq: e.seq,
    tenantId: e.tenantId,
    occurredAt: e.occurredAt,
    actor: {
      kind: e.actorKind,
      id: e.actorId,
      role: e.actorRole,
      keyId: (e.targets as { actorKeyId?: string } | null)?.actorKeyId ?? null,
    },
    action: e.action,
    targets: e.targets,
    reason: e.reason,
    ticketRef: e.ticketRef,
    requestId: e.requestId,
    outcome: e.outcome,
    breakGlass: e.breakGlass,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function toCheckpointView(r: CheckpointRow): AuditCheckpointView {
  const c = checkpointBase(r);
  return {
    checkpointSeq: c.checkpointSeq,
    createdAt: c.createdAt,
    chainCount: c.chainCount,
    root: c.root,
    signingKeyId: c.signingKeyId,
    signature: c.signature,
  };
}

export function toSigningKeyView(k: PublishedSigningKey): SigningKeyView {
  return {
    keyId: k.keyId,
    algorithm: k.algorithm,
    publicKey: k.publicKey.toString('base64'),
    publicKeyHex: k.publicKey.toString('hex'),
    createdAt: k.createdAt.toISOString(),
    retiredAt: k.retiredAt ? k.retiredAt.toISOString() : null,
  };
}

export function toPublicKeysView(current: PublishedSigningKey, all: readonly PublishedSigningKey[]): PublicKeysView {
  return { purpose: 'audit.checkpoint', current: toSigningKeyView(current), keys: all.map(toSigningKeyView) };
}

export function toVerificationView(r: AuditVerificationReport): AuditVerificationView {
  return { ...r, problems: [...r.problems] };
}
