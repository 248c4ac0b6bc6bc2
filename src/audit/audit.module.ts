import { Module } from '@nestjs/common';
import { CryptoModule } from '../crypto';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditCheckpointsRepository } from './audit-checkpoints.repository';
import { AuditEntriesRepository } from './audit-entries.repository';
import { AuditExportService } from './audit-export.service';
import { AuditExportBundleService } from './audit-export-bundle.service';
import { AuditLog } from './audit-log.service';
import { AuditPublicKeys } from './audit-public-keys.service';
import { AuditQueryService } from './audit-query.service';
import { AuditVerifier } from './audit-verifier.service';
import { DeletionCertificateSigner } from './deletion-certificate.service';
import { DeletionCertificatesRepository } from './deletion-certificates.repository';

/**
 * The tamper-evident access log: per-tenant hash chains (AuditLog, appended in
 * the caller's transaction), signed checkpoints (every five minutes and on
 * demand), online and offline verification, NDJSON export with inclusion
 * proofs, signed deletion certificates. Imports crypto for the signing key only; needs the global
 * config, platform and schedule modules. Its HTTP surface is access/'s
 * AuditController.
 */
@Module({
  imports: [CryptoModule],
  providers: [
    AuditEntriesRepository,
    AuditCheckpointsRepository,
    AuditLog,
    AuditCheckpointService,
    AuditExportService,
    AuditExportBundleService,
    AuditQueryService,
    AuditVerifier,
    AuditPublicKeys,
    DeletionCertificatesRepository,
    DeletionCertificateSigner,
  ],
  exports: [
    AuditLog,
    AuditCheckpointService,
    AuditExportService,
    AuditExportBundleService,
    AuditQueryService,
    AuditVerifier,
    AuditPublicKeys,
    DeletionCertificateSigner,
  ],
})
export class AuditModule {}
