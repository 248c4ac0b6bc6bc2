import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ActorContext } from '../auth';
import { SigningKeyService } from '../crypto';
import { TransactionManager } from '../platform/database/transaction-manager';
import { conflict } from '../platform/errors/domain-error';
import { csvEntryLine, csvHeaderLine } from './audit-csv';
import { AuditExportService } from './audit-export.service';
import {
  MANIFEST_FORMAT,
  manifestStatementBytes,
  toHex,
  type ExportFileFormat,
  type ExportManifest,
  type ExportManifestBody,
} from './audit-manifest';
import type { ExportRecord } from './audit-records';
import type { AuditScope } from './audit-scope';

/** An export file and its signed manifest, made together so the manifest names the exact bytes. */
export interface SignedExport {
  readonly fileName: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly manifest: ExportManifest;
}

const CONTENT_TYPES: Record<ExportFileFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Exports with a signed manifest. The file is assembled in memory (the
 * manifest must hash every byte before it is signed); the records come from
 * AuditExportService.open, which logs the export (`audit.exported`) first, so
 * the file contains its own record. The manifest is signed with the checkpoint
 * signing key under its own statement origin (audit-manifest.ts), so auditors
 * need only the key already published at GET /v1/audit/public-key.
 */
@Injectable()
export class AuditExportBundleService {
  constructor(
    private readonly exports: AuditExportService,
    private readonly signingKeys: SigningKeyService,
    private readonly transactions: TransactionManager,
  ) {}

  async create(
    by: ActorContext,
    scope: AuditScope,
    tenantId: string | null,
    format: ExportFileFormat,
  ): Promise<SignedExport> {
    const lines = await this.exports.open(by, scope, tenantId);
    const parts: string[] = format === 'csv' ? [csvHeaderLine()] : [];
    const chains = new Set<string>();
    let entries = 0;
    let checkpoints = 0;
    let from: string | null = null;
    let to: string | null = null;
    let lastCheckpointSeq: string | null = null;
    let header: Extract<ExportRecord, { type: 'header' }> | null = null;
    for await (const line of lines) {
      const record = JSON.parse(line) as ExportRecord;
      if (format === 'ndjson') parts.push(line);
      switch (record.type) {
        case 'header':
          header = record;
          break;
        case 'checkpoint':
          checkpoints++;
          lastCheckpointSeq = record.checkpointSeq;
          break;
        case 'entry':
          entries++;
          chains.add(record.chainId);
          if (from === null || record.occurredAt < from) from = record.occurredAt;
          if (to === null || record.occurredAt > to) to = record.occurredAt;
          if (format === 'csv') parts.push(csvEntryLine(record));
          break;
      }
    }
    const body = Buffer.from(parts.join(''), 'utf8');
    const exportedAt = header?.exportedAt ?? '';
    const stamp = exportedAt.replace(/[:.]/g, '-');
    const fileName = `ordervault-audit-${header?.tenantId ?? 'all'}-${stamp}.${format}`;
    const manifest = await this.transactions.run(async (tx) => {
      const key = await this.signingKeys.current('audit.checkpoint', tx);
      const unsigned: ExportManifestBody = {
        format: MANIFEST_FORMAT,
        file: { name: fileName, format, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length },
        scope: { kind: header?.scope ?? 'all', tenantId: header?.tenantId ?? null },
        exportedAt,
        covered: { from, to },
        counts: { chains: chains.size, entries, checkpoints },
        lastCheckpointSeq,
        signingKeyId: key.keyId,
      };
      const signed = await this.signingKeys.sign(tx, 'audit.checkpoint', manifestStatementBytes(unsigned));
      // The key id is inside what is signed: a rotation between the two reads must not produce a lying manifest.
      if (signed.keyId !== key.keyId)
        throw conflict('the signing key changed while the manifest was signed; export again');
      return { ...unsigned, signature: toHex(signed.signature) };
    });
    return { fileName, contentType: CONTENT_TYPES[format], body, manifest };
  }
}

/** A signed export as the API returns it: the file's text and its manifest, to be saved as two files. */
export interface SignedExportView {
  readonly fileName: string;
  readonly contentType: string;
  /** The file's exact text (UTF-8): its SHA-256 is the manifest's. */
  readonly content: string;
  readonly manifest: ExportManifest;
}

export const toSignedExportView = (e: SignedExport): SignedExportView => ({
  fileName: e.fileName,
  contentType: e.contentType,
  content: e.body.toString('utf8'),
  manifest: e.manifest,
});
