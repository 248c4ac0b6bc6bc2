import type { INestApplicationContext } from '@nestjs/common';
import { Option, type Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  ALL_TENANTS,
  AuditCheckpointService,
  AuditExportBundleService,
  AuditExportService,
  AuditPublicKeys,
  AuditVerifier,
  checkManifest,
  ExportVerifier,
  nodeManifestCrypto,
  parseManifest,
  type ManifestCheck,
  type AuditVerificationReport,
  type WitnessReport,
} from '../audit';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import { parseEd25519PublicKey, signingKeyIdOf } from '../crypto';
import { withAppContext } from './app-context';
import { registerVerifyCertificateCommand } from './offboarding-commands';
import { emit, UsageError } from './output';

/**
 * `ordervault audit …`:
 *   verify [--tenant T]                          online: recompute chains and checkpoints in the database
 *   verify --file export.ndjson --public-key K   offline: an export and the published key, no database at all
 *     [--manifest M]                             …and its signed manifest (required for a CSV export)
 *   export [--tenant T] [--out FILE]             NDJSON export (a tenant's chain with inclusion proofs)
 *     [--format csv] [--manifest M]              …as CSV, and/or with a signed manifest written to M
 *   checkpoint                                   write a signed checkpoint now
 *   public-key                                   print the checkpoint signing keys
 *   verify-certificate --file C --public-key K   offline: a seller's deletion certificate
 * `verify` exits 1 when anything does not verify and prints the first bad entry.
 */
export function registerAuditCommands(program: Command, loadConfig: () => AppConfig): void {
  const json = () => new Option('--json', 'machine-readable output');
  const audit = program.command('audit').description('the tamper-evident access log');

  audit
    .command('verify')
    .description('verify the access log in the database, or an export file offline with only the public key')
    .option('--file <path>', 'an export (NDJSON) to verify offline, without any database')
    .option('--public-key <key...>', 'published Ed25519 public key(s), base64 or hex (with --file)')
    .option(
      '--manifest <path>',
      'the signed manifest of the export (with --file); a CSV export is verified by it alone',
    )
    .option('--tenant <id>', "only this tenant's chain (online)")
    .option(
      '--witness <path>',
      'checkpoints kept outside the database (audit checkpoint --out): each must still be there',
    )
    .addOption(json())
    .action(
      async (o: {
        file?: string;
        publicKey?: string[];
        manifest?: string;
        tenant?: string;
        witness?: string;
        json?: boolean;
      }) => {
        let report: AuditVerificationReport;
        if (o.file) {
          if (!o.publicKey?.length) throw new UsageError('--file needs --public-key (from GET /v1/audit/public-key)');
          if (o.tenant) throw new UsageError('--tenant applies to online verification; an export names its own scope');
          const keys = o.publicKey.map((k) => parseEd25519PublicKey(k));
          if (o.manifest) {
            const result = await verifyExportWithManifest(o.file, o.manifest, keys);
            emit(!!o.json, result, () => manifestResultText(result));
            if (!result.ok) process.exitCode = 1;
            return;
          }
          report = await verifyExportFile(o.file, keys);
        } else {
          if (o.manifest) throw new UsageError('--manifest goes with --file');
          if (o.publicKey?.length)
            throw new UsageError('--public-key goes with --file (online uses the published keys)');
          const witnessLines = o.witness ? (await readFile(o.witness, 'utf8')).split('\n') : null;
          const [online, witness] = await withAppContext(loadConfig(), async (app) => {
            const verifier = app.get(AuditVerifier);
            return [
              await verifier.verify(ALL_TENANTS, o.tenant ?? null),
              witnessLines ? await verifier.compareWitness(witnessLines) : null,
            ] as const;
          });
          if (witness) {
            emit(!!o.json, { ...online, ok: online.ok && witness.ok, witness }, () =>
              [verificationText(online), witnessText(witness)].join('\n'),
            );
            if (!online.ok || !witness.ok) process.exitCode = 1;
            return;
          }
          report = online;
        }
        emit(!!o.json, report, () => verificationText(report));
        if (!report.ok) process.exitCode = 1;
      },
    );

  audit
    .command('export')
    .description('write the access log as NDJSON (all chains, or one tenant with inclusion proofs)')
    .option('--tenant <id>', "only this tenant's chain")
    .option('--out <path>', 'file to write (default: standard output)')
    .addOption(new Option('--format <format>', 'file format').choices(['ndjson', 'csv']).default('ndjson'))
    .option('--manifest <path>', 'also write the signed manifest (SHA-256 of the file, scope, counts) here')
    .action(async (o: { tenant?: string; out?: string; format: 'ndjson' | 'csv'; manifest?: string }) => {
      if (o.format === 'csv' || o.manifest) {
        if (!o.out || !o.manifest) throw new UsageError('--format csv and --manifest need both --out and --manifest');
        const signed = await withAppContext(loadConfig(), (app: INestApplicationContext) =>
          app.get(AuditExportBundleService).create(cliActor('audit export'), ALL_TENANTS, o.tenant ?? null, o.format),
        );
        await writeFile(o.out, signed.body, { mode: 0o600 });
        await writeFile(o.manifest, `${JSON.stringify(signed.manifest, null, 2)}\n`, { mode: 0o600 });
        return;
      }
      await withAppContext(loadConfig(), async (app: INestApplicationContext) => {
        const lines = await app.get(AuditExportService).open(cliActor('audit export'), ALL_TENANTS, o.tenant ?? null);
        const out = o.out ? createWriteStream(o.out, { mode: 0o600 }) : process.stdout;
        for await (const line of lines) {
          if (!out.write(line)) await once(out, 'drain');
        }
        if (o.out) {
          const closed = once(out, 'finish');
          out.end();
          await closed;
        }
      });
    });

  audit
    .command('checkpoint')
    .description('write a signed checkpoint of every chain head now')
    .option(
      '--out <path>',
      'also append it as one JSON line to this file (keep it where the database owner cannot rewrite it)',
    )
    .addOption(json())
    .action(async (o: { json?: boolean; out?: string }) => {
      const c = await withAppContext(loadConfig(), (app) =>
        app.get(AuditCheckpointService).write(cliActor('audit checkpoint')),
      );
      if (o.out) await appendFile(o.out, `${JSON.stringify(c)}\n`, { mode: 0o600 });
      emit(
        !!o.json,
        c,
        () => `checkpoint ${c.checkpointSeq} at ${c.createdAt}: ${c.chainCount} chains, root ${c.root}`,
      );
    });

  registerVerifyCertificateCommand(audit);

  audit
    .command('public-key')
    .description('print the Ed25519 keys that sign checkpoints (give them to auditors and sellers)')
    .addOption(json())
    .action(async (o: { json?: boolean }) => {
      const v = await withAppContext(loadConfig(), (app) => app.get(AuditPublicKeys).view());
      emit(!!o.json, v, () =>
        v.keys
          .map(
            (k) =>
              `${k.keyId}  ${k.algorithm}  ${k.publicKey}${k.retiredAt ? `  (retired ${k.retiredAt})` : '  (current)'}`,
          )
          .join('\n'),
      );
    });
}

/** Streams the file line by line through the offline verifier. */
export async function verifyExportFile(
  path: string,
  publicKeys: readonly Uint8Array[],
): Promise<AuditVerificationReport> {
  const verifier = new ExportVerifier(publicKeys);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) verifier.push(line);
  return verifier.finish();
}

/** An export checked against its signed manifest and, for NDJSON, its own chains and checkpoints. */
export interface ManifestVerification {
  readonly ok: boolean;
  readonly manifest: ManifestCheck;
  /** Null for a CSV export, which carries no checkpoints: its manifest is its evidence. */
  readonly log: AuditVerificationReport | null;
}

export async function verifyExportWithManifest(
  file: string,
  manifestPath: string,
  publicKeys: readonly Uint8Array[],
): Promise<ManifestVerification> {
  const [bytes, manifestText] = await Promise.all([readFile(file), readFile(manifestPath, 'utf8')]);
  const keys = new Map(publicKeys.map((k) => [signingKeyIdOf(k), k] as const));
  const isCsv = parseManifest(manifestText)?.file.format === 'csv';
  const log = isCsv ? null : await verifyExportFile(file, publicKeys);
  const counted = log ? { entries: log.entries, checkpoints: log.checkpoints } : undefined;
  const manifest = await checkManifest(nodeManifestCrypto, manifestText, bytes, keys, counted);
  return { ok: manifest.ok && (log?.ok ?? true), manifest, log };
}

function manifestResultText(r: ManifestVerification): string {
  const lines = [r.manifest.ok ? r.manifest.detail : `MANIFEST DOES NOT VERIFY: ${r.manifest.detail}`];
  if (r.log) lines.push(verificationText(r.log));
  return lines.join('\n');
}

export function verificationText(r: AuditVerificationReport): string {
  const counts = `${r.chains} chains, ${r.entries} entries, ${r.checkpoints} checkpoints`;
  if (r.ok) {
    const pending = r.unattestedEntries ? ` (${r.unattestedEntries} entries newer than the last checkpoint)` : '';
    return `access log verified: ${counts}${pending}`;
  }
  const bad = r.firstBad!;
  const lines = [
    `ACCESS LOG DOES NOT VERIFY (${counts})`,
    `first bad: ${bad.chainId} seq ${bad.seq}: ${bad.problem}${bad.checkpointSeq ? ` (checkpoint ${bad.checkpointSeq})` : ''}`,
    `  ${bad.detail}`,
  ];
  if (r.problems.length > 1) lines.push(`${r.problems.length - 1} more problem(s); --json lists them`);
  return lines.join('\n');
}

function witnessText(w: WitnessReport): string {
  if (w.ok) return `witness: ${w.checked} checkpoints, all present and unchanged in the database`;
  const bad = w.firstBad!;
  return `witness: line ${bad.line}${bad.checkpointSeq ? ` (checkpoint ${bad.checkpointSeq})` : ''}: ${bad.detail}`;
}
