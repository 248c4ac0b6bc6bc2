import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../../audit';
import type { ActorContext } from '../../auth';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { conflict, notFound, validationFailed } from '../../platform/errors/domain-error';
import { isUuid } from '../../platform/validation/uuid';
import { StaffRepository } from '../staff.repository';
import { hashPassword } from './password-hash';
import { PersonAccountsRepository } from './person-accounts.repository';
import { PersonSessionsService } from './person-sessions.service';
import { normaliseLogin } from './sign-in.service';
import { newTotpSecret, otpauthUri } from './totp';

export interface Enrolment {
  readonly accountId: string;
  readonly staffId: string;
  readonly login: string;
  /** The TOTP secret as authenticator apps read it. Shown once: it is not retrievable afterwards. */
  readonly otpauthUri: string;
}

/**
 * Gives a staff member console credentials: a login, a password (argon2id)
 * and a new TOTP secret, returned once as an `otpauth://` URI. Enrolling again
 * replaces all three, unlocks the account and ends its open sessions. An
 * operator's act (the CLI), logged as `account.enrolled`.
 */
@Injectable()
export class PersonEnrolmentService {
  constructor(
    private readonly accounts: PersonAccountsRepository,
    private readonly staff: StaffRepository,
    private readonly sessions: PersonSessionsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
  ) {}

  async enrolStaff(by: ActorContext, input: { staffId: string; login: string; password: string }): Promise<Enrolment> {
    if (!isUuid(input.staffId)) throw validationFailed('staffId must be a uuid', [{ field: 'staffId', issue: 'uuid' }]);
    const login = normaliseLogin(input.login);
    if (!login) {
      throw validationFailed('a login is 3-100 characters: letters, digits and . _ @ + -', [
        { field: 'login', issue: 'format' },
      ]);
    }
    // Hashing is the slow part: done before the transaction holds anything.
    const passwordHash = await hashPassword(input.password);
    const secret = newTotpSecret();
    const staffId = input.staffId.toLowerCase();
    return this.tx.run(async (tx) => {
      const member = await this.staff.findById(staffId, tx);
      if (!member || member.status !== 'active') throw notFound('staff member');
      const holder = await this.accounts.findByLogin(login, tx);
      if (holder && holder.staffId !== staffId) throw conflict('that login belongs to someone else');
      const account = await this.accounts.setStaffCredentials(tx, { staffId, login, passwordHash, totpSecret: secret });
      await this.sessions.endAllOfAccount(tx, by, account.accountId, 'credentials_changed');
      await this.audit.append(tx, {
        tenantId: null,
        ...auditedBy(by),
        action: 'account.enrolled',
        targets: { accountId: account.accountId, staffId },
        reason: 'console password and TOTP secret set',
        outcome: 'allowed',
      });
      return { accountId: account.accountId, staffId, login, otpauthUri: otpauthUri(secret, login) };
    });
  }
}
