import { Inject, Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { randomBytes, randomUUID } from 'node:crypto';
import { AuditLog, auditedBy } from '../../audit';
import type { ActorContext, Principal } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { MasterKeyring } from '../../crypto';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../../platform/errors/domain-error';
import type { PersonAccount } from './person-account.entity';
import { PersonAccountsRepository } from './person-accounts.repository';
import { accountIdOfActor } from './person-sessions.service';
import type { PersonPasskey } from './person-passkey.entity';
import { PersonPasskeysRepository } from './person-passkeys.repository';
import { standInCredentials } from './passkey-stand-ins';
import { normaliseLogin, SignInService, type SignedIn } from './sign-in.service';
import type { WebAuthnCeremony } from './webauthn-challenge.entity';
import { WebAuthnChallengesRepository } from './webauthn-challenges.repository';
import { challengeOf, parseAuthenticationResponse, parseRegistrationResponse } from './webauthn-response';

/** How long a ceremony's challenge may be answered. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_PASSKEYS = 20;
const NAME = /^[\p{L}\p{N} ._'()-]{1,60}$/u;
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/** crypto_kdf context of the key that makes the stand-in credential ids of a login without passkeys. */
const DECOY_CONTEXT = 'pkdecoy1';

/** A passkey as its owner sees it (never its key). */
export interface PasskeyView {
  readonly passkeyId: string;
  readonly name: string;
  readonly transports: string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

export const toPasskeyView = (p: PersonPasskey): PasskeyView => ({
  passkeyId: p.passkeyId,
  name: p.name,
  transports: p.transports,
  createdAt: p.createdAt.toISOString(),
  lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
});

/**
 * Passkeys (WebAuthn) of console people: registering one while signed in,
 * listing and removing one's own, and signing in with one instead of password
 * and TOTP code. User verification is required both times, so a passkey is
 * two factors at once. Challenges live server-side, are taken once and expire
 * after five minutes. Registrations, removals, sign-ins and refusals are
 * access-log entries; a refused passkey sign-in counts towards the lockout
 * like any other.
 */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly passkeys: PersonPasskeysRepository,
    private readonly challenges: WebAuthnChallengesRepository,
    private readonly accounts: PersonAccountsRepository,
    private readonly signIns: SignInService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keyring: MasterKeyring,
  ) {}

  /**
   * The console account a principal acts for: a staff member's (null if they
   * never enrolled for the console), or the signed-in seller user's.
   */
  async accountIdOf(principal: Principal): Promise<string | null> {
    if (principal.kind === 'staff') return (await this.accounts.findByStaffId(principal.id))?.accountId ?? null;
    return principal.kind === 'seller' ? accountIdOfActor(principal.id) : null;
  }

  list(accountId: string): Promise<PasskeyView[]> {
    return this.passkeys.listOf(accountId).then((rows) => rows.map(toPasskeyView));
  }

  /**
   * Options for `navigator.credentials.create()`: user verification required; a discoverable credential where the
   * authenticator can keep one (signed in without typing a login), else one found through the login (username
   * first: `signInOptions(login)` lists the account's credentials).
   */
  async registrationOptions(accountId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const account = await this.accountOrFail(accountId);
    const existing = await this.passkeys.listOf(account.accountId);
    const challenge = await this.issueChallenge('registration', account.accountId);
    return generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      userName: account.login,
      userID: Buffer.from(account.accountId, 'utf8'),
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: CHALLENGE_TTL_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
  }

  /** Verifies the browser's answer to a registration challenge and keeps the passkey. */
  async register(
    by: ActorContext,
    accountId: string,
    input: { name: unknown; response: unknown },
  ): Promise<PasskeyView> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!NAME.test(name)) {
      throw validationFailed("name the passkey (1 to 60 letters, digits, spaces or . _ ' ( ) -)", [
        { field: 'name', issue: 'invalid' },
      ]);
    }
    const response = parseRegistrationResponse(input.response);
    const account = await this.accountOrFail(accountId);
    const challenge = challengeOf(response.response.clientDataJSON);
    await this.takeChallengeOrFail('registration', challenge, account.accountId);
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.config.webauthn.origin,
      expectedRPID: this.config.webauthn.rpId,
      requireUserVerification: true,
    }).catch(() => null);
    if (!verified?.verified) {
      throw validationFailed("the authenticator's answer did not verify; try registering the passkey again", [
        { field: 'response', issue: 'not verified' },
      ]);
    }
    const { credential } = verified.registrationInfo;
    return this.tx.run(async (tx) => {
      if ((await this.passkeys.listOf(account.accountId, tx)).length >= MAX_PASSKEYS) {
        throw new DomainError(ErrorCodes.CONFLICT, `an account has at most ${MAX_PASSKEYS} passkeys; remove one first`);
      }
      if (await this.passkeys.findByCredentialId(credential.id, tx)) {
        throw new DomainError(ErrorCodes.CONFLICT, 'this passkey is registered already');
      }
      const row = await this.passkeys.insert(tx, {
        accountId: account.accountId,
        tenantId: account.tenantId,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey),
        signCount: String(credential.counter),
        transports: knownTransports(credential.transports ?? []),
        name,
        createdAt: this.clock.now(),
      });
      await this.audit.append(tx, {
        tenantId: account.tenantId,
        ...auditedBy(by),
        action: 'passkey.registered',
        targets: { accountId: account.accountId, passkeyId: row.passkeyId },
        reason: 'registered a passkey for console sign-in',
        outcome: 'allowed',
      });
      return toPasskeyView(row);
    });
  }

  /** Removes one of the account's own passkeys. */
  async remove(by: ActorContext, accountId: string, passkeyId: string): Promise<PasskeyView> {
    return this.tx.run(async (tx) => {
      const row = await this.passkeys.deleteOwn(tx, accountId, passkeyId);
      if (!row) throw notFound('passkey');
      await this.audit.append(tx, {
        tenantId: row.tenantId,
        ...auditedBy(by),
        action: 'passkey.removed',
        targets: { accountId, passkeyId },
        reason: 'removed a passkey',
        outcome: 'allowed',
      });
      return toPasskeyView(row);
    });
  }

  /**
   * Options for `navigator.credentials.get()`, user verification required. Without a login: any discoverable
   * passkey of this site. With one (username first, for passkeys the authenticator does not keep as discoverable):
   * the challenge is bound to that account and lists its credentials, so only one of them can answer it. A login
   * that does not exist or has no passkey gets an answer of the same shape, listing one to three stand-in
   * credentials of varied id lengths and transports derived from the login under a server key (the same on every
   * replica and every time), so the answer does not tell whether the account exists; its challenge is bound to no
   * account and nothing can answer it.
   */
  async signInOptions(login?: unknown): Promise<PublicKeyCredentialRequestOptionsJSON> {
    if (login === undefined) return this.authenticationOptions(await this.issueChallenge('sign-in', null), []);
    const normalised = normaliseLogin(login);
    if (!normalised) {
      throw validationFailed('the login is not one a person could have', [{ field: 'login', issue: 'invalid' }]);
    }
    const account = await this.accounts.findByLogin(normalised);
    const passkeys = await this.passkeys.listOf(account?.accountId ?? randomUUID());
    if (!account || !passkeys.length) {
      const tag = (i: number) => this.keyring.macs(DECOY_CONTEXT, `${normalised}\u0000${i}`)[0];
      return this.authenticationOptions(await this.issueChallenge('sign-in', randomUUID()), standInCredentials(tag));
    }
    return this.authenticationOptions(
      await this.issueChallenge('sign-in', account.accountId),
      passkeys.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
    );
  }

  private authenticationOptions(
    challenge: string,
    allowCredentials: Array<{ id: string; transports: AuthenticatorTransportFuture[] }>,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: CHALLENGE_TTL_MS,
      userVerification: 'required',
      ...(allowCredentials.length ? { allowCredentials } : {}),
    });
  }

  /**
   * Signs a person in with a passkey's assertion. Refused (and logged, and
   * counted towards the lockout when the passkey names an account): an unknown,
   * used or expired challenge, a challenge issued for another account's login,
   * a credential nobody registered, a user handle that is not the credential's
   * owner's, a signature that does not verify, a counter that did not grow, a
   * locked account.
   */
  async signIn(by: ActorContext, input: unknown): Promise<SignedIn> {
    const response = parseAuthenticationResponse(input);
    const challenge = challengeOf(response.response.clientDataJSON);
    const passkey = await this.passkeys.findByCredentialId(response.id);
    const account = passkey ? await this.accounts.findById(passkey.accountId) : null;
    const taken = await this.tx.run((tx) => this.challenges.takeAny(tx, challenge, 'sign-in', this.clock.now()));
    if (!taken) return this.signIns.refuseSignIn(by, account, 'passkey: unknown, used or expired challenge');
    if (!passkey || !account) return this.signIns.refuseSignIn(by, null, 'passkey: credential not registered');
    // A challenge asked for with a login answers only for that login's account.
    if (taken.accountId !== null && taken.accountId !== account.accountId) {
      return this.signIns.refuseSignIn(by, account, "passkey: the challenge was issued for another account's login");
    }
    if (this.signIns.isLocked(account)) return this.signIns.refuseSignIn(by, account, 'account locked');
    const handle = response.response.userHandle;
    if (handle !== undefined && Buffer.from(handle, 'base64url').toString('utf8') !== account.accountId) {
      return this.signIns.refuseSignIn(by, account, 'passkey: user handle is not the credential owner');
    }
    const why = await this.verifyAssertion(response, challenge, passkey);
    if (typeof why === 'string') return this.signIns.refuseSignIn(by, account, why);
    return this.signIns.startSession(by, account, 'signed in with a passkey (user verified)', async (tx) =>
      (await this.passkeys.recordUse(tx, passkey.passkeyId, passkey.signCount, why, this.clock.now()))
        ? null
        : 'passkey: assertion already used',
    );
  }

  /** The new counter if the assertion verifies, else why not. */
  private async verifyAssertion(
    response: AuthenticationResponseJSON,
    challenge: string,
    passkey: PersonPasskey,
  ): Promise<number | string> {
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.config.webauthn.origin,
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: true,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(passkey.publicKey),
          counter: Number(passkey.signCount),
          transports: knownTransports(passkey.transports),
        },
      });
      return result.verified ? result.authenticationInfo.newCounter : 'passkey: signature did not verify';
    } catch (err) {
      // The library names the check that failed (origin, RP id, counter, flags); no credential material.
      const detail = err instanceof Error ? err.message.slice(0, 160) : 'unknown';
      return /counter/i.test(detail)
        ? 'passkey: signature counter did not grow (cloned authenticator?)'
        : `passkey: ${detail}`;
    }
  }

  private async issueChallenge(ceremony: WebAuthnCeremony, accountId: string | null): Promise<string> {
    const now = this.clock.now();
    await this.challenges.deleteExpired(now);
    const challenge = randomBytes(32).toString('base64url');
    await this.challenges.insert({
      challenge,
      ceremony,
      accountId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    });
    return challenge;
  }

  private async takeChallengeOrFail(ceremony: WebAuthnCeremony, challenge: string, accountId: string): Promise<void> {
    const taken = await this.tx.run((tx) =>
      this.challenges.take(tx, { challenge, ceremony, accountId, now: this.clock.now() }),
    );
    if (!taken) {
      throw validationFailed('this passkey request is used up or expired; start again', [
        { field: 'response.clientDataJSON', issue: 'challenge unknown, used or expired' },
      ]);
    }
  }

  private async accountOrFail(accountId: string): Promise<PersonAccount> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw notFound('account');
    return account;
  }
}

const knownTransports = (list: readonly string[]): AuthenticatorTransportFuture[] =>
  list.filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransportFuture[];
