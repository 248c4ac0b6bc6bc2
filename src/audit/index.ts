// Public surface of the audit module.
export { AuditModule } from './audit.module';
export { AuditLog, type AppendedEntry } from './audit-log.service';
export {
  AUDIT_ACTIONS,
  AUDIT_ACTOR_KINDS,
  MAX_ORDER_IDS,
  MAX_REASON_LENGTH,
  chainIdFor,
  type AuditAction,
  type AuditActorKind,
  type AuditEntryInput,
  type AuditOutcome,
  type AuditTargets,
} from './audit-entry-input';
export {
  AuditCheckpointService,
  CHECKPOINT_FRESH_AFTER_MS,
  CHECKPOINT_MAX_INTERVAL_MS,
  CHECKPOINT_TICK_MS,
} from './audit-checkpoint.service';
export { AuditExportService } from './audit-export.service';
export {
  AuditExportBundleService,
  toSignedExportView,
  type SignedExport,
  type SignedExportView,
} from './audit-export-bundle.service';
export { SignedExportViewSchema } from './audit-export.schema';
export { CSV_COLUMNS, csvCell } from './audit-csv';
export {
  MANIFEST_FORMAT,
  checkManifest,
  parseManifest,
  type ExportFileFormat,
  type ExportManifest,
  type ManifestCheck,
} from './audit-manifest';
export { nodeManifestCrypto } from './audit-manifest-node';
export { AuditQueryService, MAX_PAGE, MAX_TEXT_FILTER, type AuditEntryFilter } from './audit-query.service';
export { AuditVerifier } from './audit-verifier.service';
export { compareWitness, type WitnessReport } from './audit-witness';
export { AuditPublicKeys } from './audit-public-keys.service';
export { ALL_TENANTS, auditActorOf, auditedBy, auditScopeOf, tenantInScope, type AuditScope } from './audit-scope';
export {
  AuditLogVerifier,
  ExportVerifier,
  verifyExport,
  type AuditProblem,
  type AuditProblemCode,
  type AuditVerificationReport,
} from './audit-verification';
export { EXPORT_FORMAT, type CheckpointRecord, type EntryRecord, type ExportRecord } from './audit-records';
export {
  toVerificationView,
  type AuditCheckpointView,
  type AuditEntryPage,
  type AuditEntryView,
  type AuditVerificationView,
  type PublicKeysView,
} from './audit.mapper';
export { AuditEntry } from './audit-entry.entity';
export { AuditChainHead } from './audit-chain-head.entity';
export { AuditCheckpoint } from './audit-checkpoint.entity';
export { DeletionCertificateSigner } from './deletion-certificate.service';
export {
  DELETION_CERTIFICATE_FORMAT,
  DELETION_CERTIFICATE_ORIGIN,
  certificateHash,
  verifyDeletionCertificate,
  type CertificateCheck,
  type CertifiedAuditHead,
  type DeletionCertificate,
  type DeletionCertificateBody,
} from './deletion-certificate';
