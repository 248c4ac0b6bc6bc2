import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLog, auditedBy } from '../../audit';
import type { ActorContext } from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { conflict, DomainError, ErrorCodes, notFound, validationFailed } from '../../platform/errors/domain-error';
import { isUuid } from '../../platform/validation/uuid';
import { AppLogger } from '../../platform/logging/app-logger';
import { Mailer, MailFailure, type MailFailureCode } from '../../platform/mail/mailer';
import { TenantsService } from '../../tenants';
import { invitationEmail, parseInviteeEmail } from './invitation-email';
import type { PersonAccount } from './person-account.entity';
import { PersonAccountsRepository } from './person-accounts.repository';
import type { PersonInvitation } from './person-invitation.entity';
import { PersonInvitationsRepository } from './person-invitations.repository';
import { accountIdOfActor, PersonSessionsService } from './person-sessions.service';
import { hashPassword } from './password-hash';
import { isSellerRole, mayAssign, scopesOfRole, SELLER_ROLES, type SellerRole } from './seller-roles';
import { normaliseLogin } from './sign-in.service';
import { matchingTotpStep, newTotpSecret, otpauthUri } from './totp';

/** An invitation link is valid this long (accepting needs the inviter to have shared it, and the invitee to act). */
export const INVITATION_TTL_MS = 72 * 3600_000;
/** Invitation tokens are 32 random bytes, base64url: 43 characters. */
const INVITATION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationView {
  readonly invitationId: string;
  readonly tenantId: string;
  readonly role: SellerRole;
  readonly state: InvitationState;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly acceptedAt: string | null;
  readonly accountId: string | null;
}

/** A new invitation with its link: the link is in this answer only, never stored or shown again. */
export interface CreatedInvitation extends InvitationView {
  readonly link: string;
  /** When an address was given: whether the link went out by email, and if not, why (a code). */
  readonly email?: { readonly sent: boolean; readonly problem: MailFailureCode | null };
}

export interface SellerUserView {
  readonly accountId: string;
  readonly tenantId: string;
  readonly login: string;
  readonly role: SellerRole;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
  readonly locked: boolean;
}

/** The first step of accepting done: what the authenticator app must be given, shown once. */
export interface PendingEnrolment {
  readonly invitationId: string;
  readonly login: string;
  readonly role: SellerRole;
  readonly otpauthUri: string;
}

/** What the invitation page shows before accepting: nothing but the tenant's id and the role. */
export interface InvitationPreview {
  readonly tenantId: string;
  readonly role: SellerRole;
  readonly expiresAt: string;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** The one answer for every link that cannot be used, so a link's story is not told to whoever holds it. */
const unusable = () =>
  new DomainError(
    ErrorCodes.NOT_FOUND,
    'this invitation link cannot be used: it is unknown, expired, revoked or already used; ask for a new one',
  );

/**
 * Seller users and their invitations. An owner or admin (or a staff admin, or
 * an operator with the CLI) invites a person with a role; the link is shown
 * once. The invitee chooses a login and password, adds the TOTP secret to an
 * authenticator app and confirms with a code: only then does the account
 * exist. Role changes follow `mayAssign` (owners by owners) and never leave a
 * tenant without an owner. Every change is an access-log entry in the
 * tenant's chain, committed with it.
 */
@Injectable()
export class SellerUsersService {
  constructor(
    private readonly accounts: PersonAccountsRepository,
    private readonly invitations: PersonInvitationsRepository,
    private readonly sessions: PersonSessionsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailer: Mailer,
    private readonly tenants: TenantsService,
    private readonly logger: AppLogger,
  ) {}

  /**
   * Invites a person with a role. The link is in the answer, once. With an email address (and an SMTP relay
   * configured) it is also sent there, after the invitation is committed: a failed send loses nothing (the answer
   * says why, the inviter hands the link over). The address is used for this one email and kept nowhere.
   */
  async invite(by: ActorContext, tenantId: string, role: unknown, email?: unknown): Promise<CreatedInvitation> {
    const wanted = parseRole(role);
    const to = parseInviteeEmail(email);
    if (to && !this.mailer.configured) {
      throw new DomainError(
        ErrorCodes.PRECONDITION_FAILED,
        'this server sends no email (no SMTP relay is configured): leave out the address and hand the link over',
      );
    }
    const inviter = await this.inviterRole(by);
    if (!mayAssign(inviter, wanted)) throw forbiddenRole();
    assertWithinOwnScopes(by, wanted);
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const created = await this.tx.run(async (tx) => {
      const row = await this.invitations.insert(tx, {
        tenantId,
        role: wanted,
        tokenHash: hashToken(token),
        createdBy: by.actor.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'invitation.created',
        targets: { invitationId: row.invitationId },
        reason: `invited a ${wanted}${to ? ' (link also sent by email)' : ''}`,
        outcome: 'allowed',
      });
      return { ...this.view(row), link: this.linkFor(token) };
    });
    return to ? { ...created, email: await this.emailInvitation(to, created) } : created;
  }

  private async emailInvitation(
    to: string,
    invitation: CreatedInvitation,
  ): Promise<NonNullable<CreatedInvitation['email']>> {
    try {
      const tenant = await this.tenants.requireTenant(invitation.tenantId);
      await this.mailer.send(
        invitationEmail({
          to,
          tenantName: tenant.name,
          role: invitation.role,
          link: invitation.link,
          expiresAt: invitation.expiresAt,
        }),
      );
      return { sent: true, problem: null };
    } catch (err) {
      const problem = err instanceof MailFailure ? err.code : 'failed';
      // Never the address or the link: the invitation and why.
      this.logger.warn('invitation email not sent', {
        tenantId: invitation.tenantId,
        invitationId: invitation.invitationId,
        problem,
      });
      return { sent: false, problem };
    }
  }

  /** Whether an invitation can also go out by email (an SMTP relay is configured). */
  get emailsInvitations(): boolean {
    return this.mailer.configured;
  }

  async listInvitations(tenantId: string): Promise<InvitationView[]> {
    return (await this.invitations.listForTenant(tenantId)).map((r) => this.view(r));
  }

  async revokeInvitation(by: ActorContext, tenantId: string, invitationId: string): Promise<InvitationView> {
    if (!isUuid(invitationId)) throw notFound('invitation');
    const inviter = await this.inviterRole(by);
    return this.tx.run(async (tx) => {
      const row = await this.invitations.findInTenantForUpdate(tx, tenantId, invitationId.toLowerCase());
      if (!row) throw notFound('invitation');
      if (!mayAssign(inviter, row.role)) throw forbiddenRole();
      if (this.stateOf(row) !== 'pending') throw conflict(`the invitation is ${this.stateOf(row)}`);
      const now = this.clock.now();
      await this.invitations.markRevoked(tx, row.invitationId, now);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'invitation.revoked',
        targets: { invitationId: row.invitationId },
        reason: `revoked the invitation of a ${row.role}`,
        outcome: 'allowed',
      });
      return this.view({ ...row, revokedAt: now });
    });
  }

  /** What a link leads to, for the page that asks for login and password. */
  async preview(token: unknown): Promise<InvitationPreview> {
    const row = await this.usable(token);
    return { tenantId: row.tenantId, role: row.role, expiresAt: row.expiresAt.toISOString() };
  }

  /**
   * First step of accepting: login and password chosen, a new TOTP secret
   * made. Nothing can sign in yet. Repeating the step replaces all three (a
   * lost QR code), until the code is confirmed.
   */
  async startAcceptance(input: { token: unknown; login: unknown; password: unknown }): Promise<PendingEnrolment> {
    await this.usable(input.token);
    const login = normaliseLogin(input.login);
    if (!login) {
      throw validationFailed('a login is 3-100 characters: letters, digits and . _ @ + -', [
        { field: 'login', issue: 'format' },
      ]);
    }
    if (typeof input.password !== 'string') {
      throw validationFailed('a password is required', [{ field: 'password', issue: 'required' }]);
    }
    // Hashing is the slow part: before the transaction holds anything.
    const passwordHash = await hashPassword(input.password);
    const secret = newTotpSecret();
    return this.tx.run(async (tx) => {
      const row = await this.lockUsable(tx, input.token);
      if (await this.accounts.findByLogin(login, tx)) throw conflict('that login is taken; choose another');
      await this.invitations.setPending(tx, row.invitationId, { login, passwordHash, totpSecret: secret });
      return { invitationId: row.invitationId, login, role: row.role, otpauthUri: otpauthUri(secret, login) };
    });
  }

  /**
   * Second step: a code from the authenticator app proves the secret was
   * taken; the account is created with the invitation's tenant and role, the
   * invitation used up, and `invitation.accepted` logged, in one transaction.
   * A wrong code changes nothing (the invitee tries again).
   */
  async confirmAcceptance(by: ActorContext, input: { token: unknown; code: unknown }): Promise<SellerUserView> {
    const code = typeof input.code === 'string' ? input.code.replace(/\s/g, '') : '';
    return this.tx.run(async (tx) => {
      const row = await this.lockUsable(tx, input.token);
      if (!row.pendingLogin || !row.pendingPasswordHash || !row.pendingTotpSecret) {
        throw new DomainError(
          ErrorCodes.PRECONDITION_FAILED,
          'choose a login and password first, then confirm with a code from the authenticator app',
        );
      }
      const now = this.clock.now();
      const step = matchingTotpStep(row.pendingTotpSecret, code, now.getTime());
      if (step === null) {
        throw validationFailed('that code does not match: check the authenticator app and the device clock', [
          { field: 'code', issue: 'wrong code' },
        ]);
      }
      if (await this.accounts.findByLogin(row.pendingLogin, tx)) throw conflict('that login is taken; choose another');
      const account = await this.accounts.insertSellerUser(tx, {
        tenantId: row.tenantId,
        login: row.pendingLogin,
        role: row.role,
        passwordHash: row.pendingPasswordHash,
        totpSecret: row.pendingTotpSecret,
        // The confirming code is used: it cannot also sign in.
        totpLastStep: step,
      });
      await this.invitations.markAccepted(tx, row.invitationId, account.accountId, now);
      await this.audit.append(tx, {
        tenantId: row.tenantId,
        actor: { kind: 'anonymous', id: 'console-invitation', role: null },
        requestId: by.requestId,
        action: 'invitation.accepted',
        targets: { invitationId: row.invitationId, accountId: account.accountId },
        reason: `accepted as ${row.role} with password and TOTP`,
        outcome: 'allowed',
      });
      return toUserView(account, now);
    });
  }

  async listUsers(tenantId: string): Promise<SellerUserView[]> {
    return (await this.accounts.listSellerUsers(tenantId)).map((a) => toUserView(a, this.clock.now()));
  }

  /**
   * A user's new role. Owners are made and unmade by owners; the last owner
   * stays an owner. The person's open sessions end, so the new scopes apply at
   * once (they sign in again).
   */
  async changeRole(by: ActorContext, tenantId: string, accountId: string, role: unknown): Promise<SellerUserView> {
    const wanted = parseRole(role);
    if (!isUuid(accountId)) throw notFound('user');
    const changer = await this.inviterRole(by);
    return this.tx.run(async (tx) => {
      const owners = await this.accounts.lockOwners(tx, tenantId);
      const user = await this.accounts.findSellerUserForUpdate(tx, tenantId, accountId.toLowerCase());
      if (!user || !user.role) throw notFound('user');
      const from = user.role;
      if (!mayAssign(changer, wanted) || !mayAssign(changer, from)) throw forbiddenRole();
      assertWithinOwnScopes(by, wanted);
      if (from === wanted) return toUserView(user, this.clock.now());
      if (from === 'owner' && owners <= 1)
        throw conflict('a tenant keeps at least one owner: make someone else owner first');
      await this.accounts.setRole(tx, user.accountId, wanted);
      await this.audit.append(tx, {
        tenantId,
        ...auditedBy(by),
        action: 'user.role_changed',
        targets: { accountId: user.accountId },
        reason: `role ${from} → ${wanted}`,
        outcome: 'allowed',
      });
      await this.sessions.endAllOfAccount(tx, by, user.accountId, 'credentials_changed');
      return toUserView({ ...user, role: wanted }, this.clock.now());
    });
  }

  /**
   * The role of whoever invites or changes roles: a seller user's own role; a
   * seller API key with users:manage counts as an admin (a key never makes
   * owners); staff admins and operators (onboarding) are not limited (null).
   */
  private async inviterRole(by: ActorContext): Promise<SellerRole | null> {
    const actor = by.actor;
    if (actor.kind !== 'seller') return null;
    const accountId = accountIdOfActor(actor.id);
    if (!accountId) return 'admin';
    const account = await this.accounts.findById(accountId);
    if (!account?.role || account.tenantId !== actor.tenantId)
      throw new DomainError(ErrorCodes.FORBIDDEN, 'not a user of this tenant');
    return account.role;
  }

  private async usable(token: unknown): Promise<PersonInvitation> {
    if (typeof token !== 'string' || !INVITATION_TOKEN.test(token)) throw unusable();
    const row = await this.invitations.findByTokenHash(hashToken(token));
    if (!row || this.stateOf(row) !== 'pending') throw unusable();
    return row;
  }

  private async lockUsable(tx: Parameters<PersonInvitationsRepository['findByTokenHashForUpdate']>[0], token: unknown) {
    if (typeof token !== 'string' || !INVITATION_TOKEN.test(token)) throw unusable();
    const row = await this.invitations.findByTokenHashForUpdate(tx, hashToken(token));
    if (!row || this.stateOf(row) !== 'pending') throw unusable();
    return row;
  }

  private stateOf(row: PersonInvitation): InvitationState {
    if (row.acceptedAt) return 'accepted';
    if (row.revokedAt) return 'revoked';
    if (row.expiresAt <= this.clock.now()) return 'expired';
    return 'pending';
  }

  private view(row: PersonInvitation): InvitationView {
    return {
      invitationId: row.invitationId,
      tenantId: row.tenantId,
      role: row.role,
      state: this.stateOf(row),
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      acceptedAt: row.acceptedAt?.toISOString() ?? null,
      accountId: row.accountId,
    };
  }

  private linkFor(token: string): string {
    return new URL(`/console/invitations/${token}`, this.config.publicBaseUrl).toString();
  }
}

function parseRole(role: unknown): SellerRole {
  if (!isSellerRole(role)) {
    throw validationFailed(`role is one of ${SELLER_ROLES.join(', ')}`, [{ field: 'role', issue: 'unknown role' }]);
  }
  return role;
}

const forbiddenRole = () =>
  new DomainError(ErrorCodes.FORBIDDEN, "only an owner may invite an owner or change an owner's role");

/** Nobody gives a role more than they hold themselves (a narrow key cannot invite a broad admin). */
function assertWithinOwnScopes(by: ActorContext, role: SellerRole): void {
  const actor = by.actor;
  if (actor.kind !== 'seller') return;
  const missing = scopesOfRole(role).filter((s) => !actor.scopes.includes(s));
  if (missing.length) {
    throw new DomainError(ErrorCodes.FORBIDDEN, `a ${role} holds ${missing.join(', ')}, which this caller does not`);
  }
}

function toUserView(a: PersonAccount, now: Date): SellerUserView {
  const role = a.role as SellerRole;
  return {
    accountId: a.accountId,
    tenantId: a.tenantId!,
    login: a.login,
    role,
    scopes: scopesOfRole(role),
    createdAt: a.createdAt.toISOString(),
    lastSignInAt: a.lastSignInAt?.toISOString() ?? null,
    locked: a.lockedUntil !== null && a.lockedUntil > now,
  };
}
