import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../../platform/database/sql';
import type { Tx } from '../../platform/database/transaction-manager';
import { WebAuthnChallenge, type WebAuthnCeremony } from './webauthn-challenge.entity';

/** Challenges of WebAuthn ceremonies (`webauthn_challenges`). */
@Injectable()
export class WebAuthnChallengesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: WebAuthnChallenge): Promise<void> {
    await this.dataSource.getRepository(WebAuthnChallenge).insert(row);
  }

  /**
   * Takes a challenge: deletes it and says whether it was there, of this
   * ceremony (and account), and unexpired. Of two uses, one wins.
   */
  async take(
    tx: Tx,
    c: { challenge: string; ceremony: WebAuthnCeremony; accountId: string | null; now: Date },
  ): Promise<boolean> {
    const taken = await this.takeAny(tx, c.challenge, c.ceremony, c.now);
    return taken !== null && taken.accountId === c.accountId;
  }

  /**
   * Takes a challenge of this ceremony, whichever account it was issued for (the caller checks that): deletes it
   * and returns the account it is bound to (null: none), or null when it was not there, of another ceremony, or
   * expired. Of two uses, one wins.
   */
  async takeAny(
    tx: Tx,
    challenge: string,
    ceremony: WebAuthnCeremony,
    now: Date,
  ): Promise<{ accountId: string | null } | null> {
    const { rows } = await execute<{ expires_at: Date; ceremony: string; account_id: string | null }>(
      tx,
      `DELETE FROM webauthn_challenges WHERE challenge = $1 RETURNING expires_at, ceremony, account_id`,
      [challenge],
    );
    const row = rows[0];
    return row && row.ceremony === ceremony && new Date(row.expires_at) > now ? { accountId: row.account_id } : null;
  }

  /** Drops challenges nobody came back with. */
  async deleteExpired(now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM webauthn_challenges WHERE expires_at <= $1`, [now]);
  }
}
