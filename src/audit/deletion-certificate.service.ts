import { Injectable } from '@nestjs/common';
import { SIGNING_ALGORITHM, SigningKeyService } from '../crypto';
import type { Tx } from '../platform/database/transaction-manager';
import { chainIdFor } from './audit-entry-input';
import { DeletionCertificatesRepository } from './deletion-certificates.repository';
import {
  certificateStatementBytes,
  DELETION_CERTIFICATE_FORMAT,
  type CertifiedAuditHead,
  type DeletionCertificate,
  type DeletionCertificateBody,
} from './deletion-certificate';

/**
 * Signs deletion certificates with the access log's signing key (the key that signs checkpoints, so auditors
 * need one published key), over bytes whose first line names the certificate format: see
 * deletion-certificate.ts for why that keeps the two kinds of signature apart.
 */
@Injectable()
export class DeletionCertificateSigner {
  constructor(
    private readonly signingKeys: SigningKeyService,
    private readonly heads: DeletionCertificatesRepository,
  ) {}

  /**
   * The access log as it stands, in the caller's transaction: the tenant's chain head locked (FOR UPDATE,
   * held to the commit, so the next entry on that chain is the caller's own), the platform chain's head and
   * the newest checkpoint.
   */
  async auditHead(tx: Tx, tenantId: string): Promise<CertifiedAuditHead> {
    const tenantChain = await this.heads.lockedHead(tx, chainIdFor(tenantId));
    const platformChain = await this.heads.head(tx, chainIdFor(null));
    const checkpoint = await this.heads.newestCheckpoint(tx);
    return { tenantChain, platformChain, checkpoint };
  }

  async sign(tx: Tx, body: DeletionCertificateBody): Promise<DeletionCertificate> {
    const { keyId, signature } = await this.signingKeys.sign(tx, 'audit.checkpoint', certificateStatementBytes(body));
    return {
      format: DELETION_CERTIFICATE_FORMAT,
      certificate: body,
      signature: { algorithm: SIGNING_ALGORITHM, keyId, value: signature.toString('base64') },
    };
  }
}
