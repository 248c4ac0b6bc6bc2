import { Injectable } from '@nestjs/common';
import { SigningKeyService, type PublishedSigningKey } from '../crypto';
import { toPublicKeysView, type PublicKeysView } from './audit.mapper';

/** The checkpoint signing keys, as published to auditors and sellers (public halves only). */
@Injectable()
export class AuditPublicKeys {
  constructor(private readonly signingKeys: SigningKeyService) {}

  /** The current key (created on first use, so a verifier can pin it before the first checkpoint) and every older one. */
  async view(): Promise<PublicKeysView> {
    const current = await this.signingKeys.current('audit.checkpoint');
    return toPublicKeysView(current, await this.signingKeys.published('audit.checkpoint'));
  }

  /** Every key that may have signed a checkpoint. */
  all(): Promise<PublishedSigningKey[]> {
    return this.signingKeys.published('audit.checkpoint');
  }
}
