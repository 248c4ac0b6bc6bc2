import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AuditLog, auditedBy } from '../../audit';
import {
  jobActor,
  systemActor,
  type ActorContext,
  type PersonSessionInfo,
  type Principal,
  type StaffRole,
} from '../../auth';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager, type Tx } from '../../platform/database/transaction-manager';
import { DomainError, ErrorCodes } from '../../platform/errors/domain-error';
import { AppLogger } from '../../platform/logging/app-logger';
import { TenantsService } from '../../tenants';
import { StaffRepository } from '../staff.repository';
import { isSellerRole, scopesOfRole } from './seller-roles';
import type { PersonAccount } from './person-account.entity';
import { PersonAccountsRepository } from './person-accounts.repository';
import type { SessionEndReason } from './person-session.entity';
import { PersonSessionsRepository, type EndedSession } from './person-sessions.repository';
import { isSameOrigin, sessionTokenOf } from './session-cookie';

/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** And after this long whatever the activity: a person signs in again at least once a working day. */
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 200;
const SWEEP_INTERVAL_NAME = 'console-session-sweep';

const END_REASONS: Record<SessionEndReason, string> = {
  signed_out: 'signed out',
  signed_out_everywhere: 'signed out everywhere',
  idle: `idle timeout (${SESSION_IDLE_MS / 60_000} minutes without a request)`,
  absolute: `absolute timeout (${SESSION_ABSOLUTE_MS / 3600_000} hours after sign-in)`,
  account_inactive: 'the account can no longer sign in',
  credentials_changed: 'the console password and TOTP secret were set again',
};

/** A signed-in person, as a request authenticated by their session sees them. */
export interface ResolvedSession {
  readonly principal: Principal;
  readonly info: PersonSessionInfo;
}

/** Who an account acts as: a staff member's or a seller user's principal. */
export interface AccountIdentity {
  readonly principal: (sessionId: string) => Principal;
  readonly displayName: string;
}

export const sessionKeyId = (sessionId: string) => `session:${sessionId}`;
/** A seller user as an actor (principal id, access-log actor id). */
export const personActorId = (accountId: string) => `person:${accountId}`;
/** The account id of a seller user's principal id, or null for a key's (`key:<id>`). */
export const accountIdOfActor = (actorId: string): string | null =>
  actorId.startsWith('person:') ? actorId.slice('person:'.length) : null;
const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * Console sessions: started by a sign-in, found from the cookie on every
 * request (idle and absolute timeouts checked then, and by a sweep so that a
 * session nobody presents again still ends on time), ended by signing out.
 * Every end is an access-log entry.
 */
@Injectable()
export class PersonSessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly sessions: PersonSessionsRepository,
    private readonly accounts: PersonAccountsRepository,
    private readonly staff: StaffRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const handle = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.error('console session sweep failed', { err }));
    }, SWEEP_INTERVAL_MS);
    this.registry.addInterval(SWEEP_INTERVAL_NAME, handle);
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', SWEEP_INTERVAL_NAME)) this.registry.deleteInterval(SWEEP_INTERVAL_NAME);
  }

  /**
   * Who an account signs in as, or null if it may not sign in: a staff member
   * (who must still be active), or a seller user of a tenant that still exists,
   * acting with the scopes of their role (seller-roles.ts).
   */
  async identityOf(account: PersonAccount, tx?: Tx): Promise<AccountIdentity | null> {
    if (account.kind === 'seller') {
      const { tenantId, role } = account;
      if (!tenantId || !role || !isSellerRole(role) || !(await this.tenants.exists(tenantId, tx))) return null;
      const scopes = scopesOfRole(role);
      return {
        displayName: `${account.login} (${role})`,
        principal: (sessionId) => ({
          kind: 'seller',
          id: personActorId(account.accountId),
          tenantId,
          scopes,
          keyId: sessionKeyId(sessionId),
        }),
      };
    }
    if (account.kind !== 'staff' || !account.staffId) return null;
    const member = await this.staff.findById(account.staffId, tx);
    if (!member || member.status !== 'active') return null;
    const role: StaffRole = member.role;
    return {
      displayName: member.name,
      principal: (sessionId) => ({ kind: 'staff', id: member.staffId, role, keyId: sessionKeyId(sessionId) }),
    };
  }

  /** Opens a session in the sign-in's transaction; the token is for the cookie and is not kept. */
  async start(
    tx: Tx,
    account: PersonAccount,
  ): Promise<{ token: string; sessionId: string; expiresAt: Date; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    const session = await this.sessions.insert(tx, {
      tenantId: account.tenantId,
      accountId: account.accountId,
      tokenHash: hashToken(token),
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    });
    return { token, sessionId: session.sessionId, expiresAt, csrfToken: session.csrfToken };
  }

  /**
   * The session a request's cookie names, if it is still open. A session found
   * past a timeout, or whose account can no longer sign in, is ended (and
   * logged) here and then treated as absent.
   */
  async fromRequest(req: Request & { requestId?: string }): Promise<ResolvedSession | null> {
    const token = sessionTokenOf(req);
    if (!token) return null;
    const session = await this.sessions.findByTokenHash(hashToken(token));
    if (!session || session.endedAt) return null;
    const now = this.clock.now();
    const by = systemActor('console-session', req.requestId ?? null);
    const timedOut: SessionEndReason | null =
      session.expiresAt <= now
        ? 'absolute'
        : session.lastSeenAt.getTime() <= now.getTime() - SESSION_IDLE_MS
          ? 'idle'
          : null;
    if (timedOut) {
      await this.endOne(by, session.sessionId, timedOut);
      return null;
    }
    const account = await this.accounts.findById(session.accountId);
    const identity = account ? await this.identityOf(account) : null;
    if (!identity) {
      await this.endOne(by, session.sessionId, 'account_inactive');
      return null;
    }
    await this.sessions.touch(session.sessionId, now);
    return {
      principal: identity.principal(session.sessionId),
      info: {
        sessionId: session.sessionId,
        accountId: session.accountId,
        csrfToken: session.csrfToken,
        displayName: identity.displayName,
      },
    };
  }

  /**
   * A request that changes something under a session must carry the session's
   * CSRF token (form field `_csrf` or header `X-CSRF-Token`) and come from our
   * own origin. The token is taken out of the body, so no DTO ever sees it.
   */
  assertSameOriginChange(req: Request, info: PersonSessionInfo): void {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = body && typeof body === 'object' && !Array.isArray(body) ? body._csrf : undefined;
    if (body && typeof body === 'object' && '_csrf' in body) delete body._csrf;
    const presented = req.header('x-csrf-token') ?? (typeof fromBody === 'string' ? fromBody : '');
    const expected = Buffer.from(info.csrfToken);
    const given = Buffer.from(presented);
    const tokenOk = given.length === expected.length && timingSafeEqual(given, expected);
    if (!tokenOk || !isSameOrigin(req, this.config.publicBaseUrl.origin)) {
      throw new DomainError(
        ErrorCodes.FORBIDDEN,
        'this form is out of date or was sent from another site; reload the page and try again',
      );
    }
  }

  /** Signing out: this session, or every session of the person. */
  async signOut(by: ActorContext, sessionId: string, everywhere: boolean): Promise<number> {
    return this.tx.run(async (tx) => {
      const ended = everywhere
        ? await this.endAllOfSessionAccount(tx, sessionId)
        : [await this.sessions.end(tx, sessionId, 'signed_out', this.clock.now())].filter(
            (e): e is EndedSession => e !== null,
          );
      for (const e of ended) await this.logEnd(tx, by, e);
      return ended.length;
    });
  }

  /** Ends every open session of an account (credentials changed), in the caller's transaction. */
  async endAllOfAccount(tx: Tx, by: ActorContext, accountId: string, reason: SessionEndReason): Promise<number> {
    const ended = await this.sessions.endAllOf(tx, accountId, reason, this.clock.now());
    for (const e of ended) await this.logEnd(tx, by, e);
    return ended.length;
  }

  /** Ends sessions past a timeout that nobody presented again; returns how many. */
  async sweep(): Promise<number> {
    const by = jobActor('console-session-sweep');
    let total = 0;
    for (;;) {
      const ended = await this.tx.run(async (tx) => {
        const batch = await this.sessions.endExpired(tx, this.clock.now(), SESSION_IDLE_MS, SWEEP_BATCH);
        for (const e of batch) await this.logEnd(tx, by, e);
        return batch.length;
      });
      total += ended;
      if (ended < SWEEP_BATCH) return total;
    }
  }

  private async endAllOfSessionAccount(tx: Tx, sessionId: string): Promise<EndedSession[]> {
    const own = await this.sessions.end(tx, sessionId, 'signed_out_everywhere', this.clock.now());
    if (!own) return [];
    const others = await this.sessions.endAllOf(tx, own.accountId, 'signed_out_everywhere', this.clock.now());
    return [own, ...others];
  }

  private async endOne(by: ActorContext, sessionId: string, reason: SessionEndReason): Promise<void> {
    await this.tx.run(async (tx) => {
      const ended = await this.sessions.end(tx, sessionId, reason, this.clock.now());
      if (ended) await this.logEnd(tx, by, ended);
    });
  }

  private async logEnd(tx: Tx, by: ActorContext, e: EndedSession): Promise<void> {
    await this.audit.append(tx, {
      tenantId: e.tenantId,
      ...auditedBy(by),
      action: 'session.ended',
      targets: { accountId: e.accountId, sessionId: e.sessionId },
      reason: END_REASONS[e.reason],
      outcome: 'allowed',
    });
  }
}
