import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../../platform/database/sql';
import type { Tx } from '../../platform/database/transaction-manager';
import { PersonPasskey } from './person-passkey.entity';

/** Passkeys of console accounts (`person_passkeys`). */
@Injectable()
export class PersonPasskeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(tx?: Tx) {
    return (tx ?? this.dataSource.manager).getRepository(PersonPasskey);
  }

  insert(tx: Tx, row: Omit<PersonPasskey, 'passkeyId' | 'lastUsedAt'>): Promise<PersonPasskey> {
    return this.repo(tx).save(this.repo(tx).create({ ...row, lastUsedAt: null }));
  }

  listOf(accountId: string, tx?: Tx): Promise<PersonPasskey[]> {
    return this.repo(tx).find({ where: { accountId }, order: { createdAt: 'ASC' }, take: 100 });
  }

  findByCredentialId(credentialId: string, tx?: Tx): Promise<PersonPasskey | null> {
    return this.repo(tx).findOneBy({ credentialId });
  }

  /**
   * Records a use: the new counter and when, only if the counter still is what
   * the check saw (of two sign-ins with one assertion, one wins).
   */
  async recordUse(tx: Tx, passkeyId: string, seen: string, signCount: number, now: Date): Promise<boolean> {
    const { rowCount } = await execute(
      tx,
      `UPDATE person_passkeys SET sign_count = $3, last_used_at = $4 WHERE passkey_id = $1 AND sign_count = $2::bigint`,
      [passkeyId, seen, signCount, now],
    );
    return rowCount > 0;
  }

  /** Deletes one of the account's passkeys; null if it has none by that id. */
  async deleteOwn(tx: Tx, accountId: string, passkeyId: string): Promise<PersonPasskey | null> {
    const row = await this.repo(tx).findOneBy({ accountId, passkeyId });
    if (!row) return null;
    await this.repo(tx).delete({ passkeyId });
    return row;
  }
}
