import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../../platform/database/sql';
import type { Tx } from '../../platform/database/transaction-manager';
import { PersonAccount } from './person-account.entity';
import type { SellerRole } from './seller-roles';

export interface FailureCount {
  readonly failedSignIns: number;
  readonly lockedUntil: Date | null;
  /** This failure is the one that locked the account. */
  readonly justLocked: boolean;
}

/** Console accounts of people (`person_accounts`). */
@Injectable()
export class PersonAccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(PersonAccount);
  }

  findByLogin(login: string, tx?: Tx): Promise<PersonAccount | null> {
    return this.repo(tx).findOneBy({ login });
  }

  findById(accountId: string, tx?: Tx): Promise<PersonAccount | null> {
    return this.repo(tx).findOneBy({ accountId });
  }

  findByStaffId(staffId: string, tx?: Tx): Promise<PersonAccount | null> {
    return this.repo(tx).findOneBy({ staffId });
  }

  /** A staff member's account with new credentials: created, or replaced (failures and lock cleared). */
  async setStaffCredentials(
    tx: Tx,
    c: { staffId: string; login: string; passwordHash: string; totpSecret: Buffer },
  ): Promise<PersonAccount> {
    const { rows } = await execute<{ account_id: string }>(
      tx,
      `INSERT INTO person_accounts (tenant_id, kind, staff_id, login, password_hash, totp_secret, totp_last_step, failed_sign_ins, locked_until)
         VALUES (NULL, 'staff', $1, $2, $3, $4, NULL, 0, NULL)
       ON CONFLICT (staff_id) WHERE staff_id IS NOT NULL DO UPDATE SET
         login = EXCLUDED.login, password_hash = EXCLUDED.password_hash, totp_secret = EXCLUDED.totp_secret,
         totp_last_step = NULL, failed_sign_ins = 0, locked_until = NULL
       RETURNING account_id`,
      [c.staffId, c.login, c.passwordHash, c.totpSecret],
    );
    return (await this.findById(rows[0].account_id, tx))!;
  }

  /**
   * Counts one failed sign-in and locks the account when the count reaches
   * `limit`, in one statement: concurrent failures each see their own count,
   * so exactly one of them is the one that locked it.
   */
  async recordFailure(accountId: string, now: Date, limit: number, lockMs: number): Promise<FailureCount> {
    const { rows } = await execute<{ failed_sign_ins: number; locked_until: Date | null; just_locked: boolean }>(
      this.dataSource.manager,
      `UPDATE person_accounts SET
           failed_sign_ins = failed_sign_ins + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
         WHERE account_id = $1
         RETURNING failed_sign_ins, locked_until, failed_sign_ins = $2 AS just_locked`,
      [accountId, limit, new Date(now.getTime() + lockMs)],
    );
    const r = rows[0];
    return r
      ? { failedSignIns: Number(r.failed_sign_ins), lockedUntil: r.locked_until, justLocked: r.just_locked }
      : { failedSignIns: 0, lockedUntil: null, justLocked: false };
  }

  /** Takes a TOTP time step if it is later than the last one taken (a code is valid once); false if not. */
  async acceptTotpStep(tx: Tx, accountId: string, step: number): Promise<boolean> {
    const { rows } = await execute(
      tx,
      `UPDATE person_accounts SET totp_last_step = $2
         WHERE account_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2::bigint)
       RETURNING account_id`,
      [accountId, step],
    );
    return rows.length > 0;
  }

  /** A seller user's account, created on accepting an invitation (enrolled: password and TOTP secret set). */
  async insertSellerUser(
    tx: Tx,
    u: {
      tenantId: string;
      login: string;
      role: SellerRole;
      passwordHash: string;
      totpSecret: Buffer;
      totpLastStep: number;
    },
  ): Promise<PersonAccount> {
    const repo = this.repo(tx);
    return repo.save(
      repo.create({
        tenantId: u.tenantId,
        kind: 'seller',
        staffId: null,
        role: u.role,
        login: u.login,
        passwordHash: u.passwordHash,
        totpSecret: u.totpSecret,
        totpLastStep: String(u.totpLastStep),
        failedSignIns: 0,
        lockedUntil: null,
        lastSignInAt: null,
      }),
    );
  }

  /** A tenant's seller users, by login. */
  listSellerUsers(tenantId: string): Promise<PersonAccount[]> {
    return this.repo().find({ where: { tenantId, kind: 'seller' }, order: { login: 'ASC' }, take: 500 });
  }

  findSellerUserForUpdate(tx: Tx, tenantId: string, accountId: string): Promise<PersonAccount | null> {
    return this.repo(tx).findOne({
      where: { tenantId, accountId, kind: 'seller' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** How many owners the tenant has, their rows locked (so two demotions cannot leave none). */
  async lockOwners(tx: Tx, tenantId: string): Promise<number> {
    const rows = await this.repo(tx).find({
      where: { tenantId, kind: 'seller', role: 'owner' },
      lock: { mode: 'pessimistic_write' },
    });
    return rows.length;
  }

  async setRole(tx: Tx, accountId: string, role: SellerRole): Promise<void> {
    await this.repo(tx).update({ accountId }, { role });
  }

  /** A successful sign-in: the failure count starts again. */
  async recordSuccess(tx: Tx, accountId: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE person_accounts SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2 WHERE account_id = $1`,
      [accountId, now],
    );
  }
}
