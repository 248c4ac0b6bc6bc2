import { Option, type Command } from 'commander';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { verifyDeletionCertificate, type CertificateCheck } from '../audit';
import { cliActor } from '../auth';
import type { AppConfig } from '../config';
import { parseEd25519PublicKey } from '../crypto';
import { isUuid } from '../platform/validation/uuid';
import { TenantOffboardingService, type OffboardingResult } from '../rights';
import { withAppContext } from './app-context';
import { emit, UsageError } from './output';

/**
 * `ordervault tenant offboard --tenant T --requested-by WHO --reason WHY [--ticket REF] [--force]
 *   [--export-to FILE] [--json]`: the seller's offboarding (see TenantOffboardingService), resumable; prints
 * the signed deletion certificate. `--export-to` writes the export bundle (NDJSON, one order per line, buyer
 * data included, file mode 0600) before anything is deleted.
 */
export function registerOffboardCommand(tenant: Command, loadConfig: () => AppConfig): void {
  tenant
    .command('offboard')
    .description('delete a seller: revoke access and integrations, destroy its keys and data, print the certificate')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--requested-by <who>', 'who at the seller asked for the deletion')
    .requiredOption('--reason <text>', 'why')
    .option('--ticket <ref>', 'the support ticket carrying the request')
    .option('--force', 'offboard despite active legal holds (released, and named on the certificate)')
    .option('--export-to <file>', "first write the seller's orders, with buyer data, to this NDJSON file")
    .option('--certificate-out <file>', 'also write the certificate to this file')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(
      async (o: {
        tenant: string;
        requestedBy: string;
        reason: string;
        ticket?: string;
        force?: boolean;
        exportTo?: string;
        certificateOut?: string;
        json?: boolean;
      }) => {
        if (!isUuid(o.tenant)) throw new UsageError('--tenant must be a tenant id (UUID)');
        const out = o.exportTo ? createWriteStream(o.exportTo, { mode: 0o600, flags: 'w' }) : null;
        let result: OffboardingResult;
        try {
          result = await withAppContext(loadConfig(), (app) =>
            app.get(TenantOffboardingService).offboard(
              cliActor('tenant offboard'),
              o.tenant,
              { requestedBy: o.requestedBy, reason: o.reason, ticketRef: o.ticket ?? null, force: o.force === true },
              {
                exportTo: out
                  ? async (line) => {
                      if (!out.write(line)) await once(out, 'drain');
                    }
                  : undefined,
                afterStep: (step) => {
                  if (!o.json) process.stderr.write(`offboarding: ${step}\n`);
                },
              },
            ),
          );
        } finally {
          if (out) {
            const closed = once(out, 'finish');
            out.end();
            await closed;
          }
        }
        const certificate = `${JSON.stringify(result.certificate, null, 2)}\n`;
        if (o.certificateOut) {
          const file = createWriteStream(o.certificateOut, { mode: 0o600 });
          const closed = once(file, 'finish');
          file.end(certificate);
          await closed;
        }
        emit(!!o.json, result, () =>
          [
            `tenant ${result.tenantId} ${result.alreadyOffboarded ? 'was already offboarded' : 'offboarded'}`,
            o.exportTo
              ? `export bundle: ${o.exportTo} (${result.certificate.certificate.exportedOrders ?? 0} orders)`
              : null,
            'deletion certificate:',
            certificate.trimEnd(),
          ]
            .filter((l): l is string => l !== null)
            .join('\n'),
        );
      },
    );
}

/**
 * `ordervault audit verify-certificate --file cert.json --public-key K...`: offline, no database. Keys as for
 * `audit verify --file` (base64 or hex, from `audit public-key` or GET /v1/audit/public-key). Exit 0 valid,
 * 1 not valid (the reason printed).
 */
export function registerVerifyCertificateCommand(audit: Command): void {
  audit
    .command('verify-certificate')
    .description('verify a deletion certificate offline with the published public key(s)')
    .requiredOption('--file <path>', 'the certificate (JSON, as DELETE /v1/tenants/:id or tenant offboard returned it)')
    .requiredOption('--public-key <key...>', 'published Ed25519 public key(s), base64 or hex')
    .addOption(new Option('--json', 'machine-readable output'))
    .action(async (o: { file: string; publicKey: string[]; json?: boolean }) => {
      const keys = o.publicKey.map((k) => parseEd25519PublicKey(k));
      let check: CertificateCheck;
      try {
        check = verifyDeletionCertificate(JSON.parse(await readFile(o.file, 'utf8')) as unknown, keys);
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        check = { ok: false, problem: 'not JSON' };
      }
      emit(!!o.json, check, () =>
        check.ok
          ? `deletion certificate verified: signed by ${check.keyId}, sha256 ${check.hash}`
          : `DELETION CERTIFICATE DOES NOT VERIFY: ${check.problem}`,
      );
      if (!check.ok) process.exitCode = 1;
    });
}
