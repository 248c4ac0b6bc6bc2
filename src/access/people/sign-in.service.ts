import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy, type AuditTargets } from '../../audit';
import type { ActorContext, PersonSessionInfo, Principal } from '../../auth';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../../platform/errors/domain-error';
import { isCleanText } from '../../platform/validation/text';
import type { PersonAccount } from './person-account.entity';
import { PersonAccountsRepository } from './person-accounts.repository';
import { PersonSessionsService } from './person-sessions.service';
import { verifyPassword } from './password-hash';
import { matchingTotpStep } from './totp';

/** Failed sign-ins in a row that lock an account (the Amazon Data Protection Policy's control). */
export const LOCKOUT_THRESHOLD = 10;
/** How long a locked account stays locked (a new enrolment unlocks it at once). */
export const LOCKOUT_MS = 30 * 60_000;

/** What a person typed, untrusted. */
export interface SignInAttempt {
  readonly login: unknown;
  readonly password: unknown;
  readonly code: unknown;
}

export interface SignedIn {
  /** For the cookie only: never logged, never stored. */
  readonly token: string;
  readonly expiresAt: Date;
  readonly principal: Principal;
  readonly session: PersonSessionInfo;
}

/** One message for every refusal, so it never tells a guesser which part was wrong or that a login exists. */
export const SIGN_IN_REFUSED = `sign-in failed: check your login, password and code (after ${LOCKOUT_THRESHOLD} failures in a row an account is locked for ${LOCKOUT_MS / 60_000} minutes)`;

const LOGIN = /^[a-z0-9][a-z0-9._@+-]{2,99}$/;

/** A login as stored: trimmed, lower-cased; null if it cannot be one. */
export function normaliseLogin(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const login = value.trim().toLowerCase();
  return LOGIN.test(login) ? login : null;
}

class Refused {
  constructor(
    readonly why: string,
    readonly account: PersonAccount | null,
  ) {}
}

/**
 * Signing a person in: login, password (argon2id) and a TOTP code, all three
 * every time. A wrong password or code counts against the account; the tenth
 * in a row locks it for 30 minutes. Each sign-in (`session.started`), each
 * refusal (`signin.failed`) and each lock (`account.locked`) is an access-log
 * entry; the session, the TOTP step taken and the entry commit together.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly accounts: PersonAccountsRepository,
    private readonly sessions: PersonSessionsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  async signIn(by: ActorContext, attempt: SignInAttempt): Promise<SignedIn> {
    const outcome = await this.check(attempt);
    if (outcome instanceof Refused) return this.refuse(by, outcome);
    const { account, step } = outcome;
    // The step is taken inside the transaction: of two sign-ins with one code, one wins.
    return this.startSession(by, account, 'signed in with password and TOTP code', async (tx) =>
      (await this.accounts.acceptTotpStep(tx, account.accountId, step)) ? null : 'code already used',
    );
  }

  /**
   * Opens a session for an account whose credentials were checked, with its
   * `session.started` entry, in one transaction; `claim` takes what the
   * sign-in used up (a TOTP step, a passkey's counter) there too and names why
   * not if it cannot (the sign-in is then refused).
   */
  async startSession(
    by: ActorContext,
    account: PersonAccount,
    reason: string,
    claim: (tx: Tx) => Promise<string | null>,
  ): Promise<SignedIn> {
    let refusal: string | null = null;
    const signedIn = await this.tx.run(async (tx) => {
      refusal = await claim(tx);
      if (refusal) return null;
      const identity = await this.sessions.identityOf(account, tx);
      if (!identity) return null;
      await this.accounts.recordSuccess(tx, account.accountId, this.clock.now());
      const started = await this.sessions.start(tx, account);
      const principal = identity.principal(started.sessionId);
      await this.audit.append(tx, {
        tenantId: account.tenantId,
        ...auditedBy({ actor: principal, requestId: by.requestId }),
        action: 'session.started',
        targets: { accountId: account.accountId, sessionId: started.sessionId },
        reason,
        outcome: 'allowed',
      });
      return {
        token: started.token,
        expiresAt: started.expiresAt,
        principal,
        session: {
          sessionId: started.sessionId,
          accountId: account.accountId,
          csrfToken: started.csrfToken,
          displayName: identity.displayName,
        },
      };
    });
    if (!signedIn) return this.refuse(by, new Refused(refusal ?? 'account may not sign in', account));
    return signedIn;
  }

  /**
   * Refuses a sign-in: counts it against the account (unless it is locked
   * already), locks it at the threshold, logs `signin.failed` (and
   * `account.locked`), and throws the one refusal message.
   */
  refuseSignIn(by: ActorContext, account: PersonAccount | null, why: string): Promise<never> {
    return this.refuse(by, new Refused(why, account));
  }

  /** Whether an account is locked now (a passkey sign-in is refused then as well). */
  isLocked(account: PersonAccount): boolean {
    return !!account.lockedUntil && account.lockedUntil > this.clock.now();
  }

  /** Everything but the writes: which account, and whether password and code are right. */
  private async check(a: SignInAttempt): Promise<Refused | { account: PersonAccount; step: number }> {
    const password = typeof a.password === 'string' ? a.password : '';
    const code = typeof a.code === 'string' ? a.code.replace(/\s/g, '') : '';
    const login = normaliseLogin(a.login);
    const account = login ? await this.accounts.findByLogin(login) : null;
    // The password is checked whatever else is wrong, so every refusal takes as long.
    const passwordOk =
      (await verifyPassword(isCleanText(password) ? password : '', account?.passwordHash ?? null)) && !!account;
    if (!account) return new Refused('unknown login', null);
    const now = this.clock.now();
    if (account.lockedUntil && account.lockedUntil > now) return new Refused('account locked', account);
    if (!account.totpSecret) return new Refused('not enrolled (no TOTP secret)', account);
    if (!passwordOk) return new Refused('wrong password', account);
    const step = matchingTotpStep(account.totpSecret, code, now.getTime());
    if (step === null) return new Refused('wrong TOTP code', account);
    return { account, step };
  }

  private async refuse(by: ActorContext, r: Refused): Promise<never> {
    const account = r.account;
    const counts = account && r.why !== 'account locked';
    const failure = counts
      ? await this.accounts.recordFailure(account.accountId, this.clock.now(), LOCKOUT_THRESHOLD, LOCKOUT_MS)
      : null;
    const targets: AuditTargets = account
      ? { accountId: account.accountId, ...(account.staffId ? { staffId: account.staffId } : {}) }
      : {};
    await this.tx.run(async (tx) => {
      await this.audit.append(tx, {
        tenantId: account?.tenantId ?? null,
        actor: { kind: 'anonymous', id: 'console-sign-in', role: null },
        requestId: by.requestId,
        action: 'signin.failed',
        targets,
        reason: failure ? `${r.why} (${failure.failedSignIns} in a row)` : r.why,
        outcome: 'denied',
      });
      if (failure?.justLocked) {
        await this.audit.append(tx, {
          tenantId: account?.tenantId ?? null,
          actor: { kind: 'anonymous', id: 'console-sign-in', role: null },
          requestId: by.requestId,
          action: 'account.locked',
          targets,
          reason: `locked for ${LOCKOUT_MS / 60_000} minutes after ${LOCKOUT_THRESHOLD} failed sign-ins in a row`,
          outcome: 'denied',
        });
      }
    });
    throw new DomainError(ErrorCodes.UNAUTHENTICATED, SIGN_IN_REFUSED);
  }
}
