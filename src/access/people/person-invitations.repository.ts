import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';
import { PersonInvitation } from './person-invitation.entity';

/** Invitations of seller users (`person_invitations`). */
@Injectable()
export class PersonInvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(PersonInvitation);
  }

  insert(
    tx: Tx,
    row: Pick<PersonInvitation, 'tenantId' | 'role' | 'tokenHash' | 'createdBy' | 'createdAt' | 'expiresAt'>,
  ): Promise<PersonInvitation> {
    return this.repo(tx).save(
      this.repo(tx).create({
        ...row,
        pendingLogin: null,
        pendingPasswordHash: null,
        pendingTotpSecret: null,
        acceptedAt: null,
        accountId: null,
        revokedAt: null,
      }),
    );
  }

  /** The invitation a link's token names, locked for the caller's transaction. */
  findByTokenHashForUpdate(tx: Tx, tokenHash: Buffer): Promise<PersonInvitation | null> {
    return this.repo(tx).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  findByTokenHash(tokenHash: Buffer): Promise<PersonInvitation | null> {
    return this.repo().findOneBy({ tokenHash });
  }

  findInTenantForUpdate(tx: Tx, tenantId: string, invitationId: string): Promise<PersonInvitation | null> {
    return this.repo(tx).findOne({ where: { tenantId, invitationId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The tenant's invitations, newest first (at most 200). */
  listForTenant(tenantId: string): Promise<PersonInvitation[]> {
    return this.repo().find({ where: { tenantId }, order: { createdAt: 'DESC' }, take: 200 });
  }

  async setPending(
    tx: Tx,
    invitationId: string,
    p: { login: string; passwordHash: string; totpSecret: Buffer },
  ): Promise<void> {
    await this.repo(tx).update(
      { invitationId },
      { pendingLogin: p.login, pendingPasswordHash: p.passwordHash, pendingTotpSecret: p.totpSecret },
    );
  }

  /** Accepted: the pending credentials moved to the account, so they are cleared here. */
  async markAccepted(tx: Tx, invitationId: string, accountId: string, at: Date): Promise<void> {
    await this.repo(tx).update(
      { invitationId },
      { acceptedAt: at, accountId, pendingPasswordHash: null, pendingTotpSecret: null },
    );
  }

  async markRevoked(tx: Tx, invitationId: string, at: Date): Promise<void> {
    await this.repo(tx).update({ invitationId }, { revokedAt: at, pendingPasswordHash: null, pendingTotpSecret: null });
  }
}
