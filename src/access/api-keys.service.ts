import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import { SELLER_SCOPES, type ActorContext, type Principal, type StaffRole } from '../auth';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { DomainError, ErrorCodes, notFound, validationFailed } from '../platform/errors/domain-error';
import { DUMMY_HASH, issueKey, parseKey, secretMatches } from './api-key-format';
import type { ApiKey } from './api-key.entity';
import { toApiKeyView, type ApiKeyView, type IssuedKeyView } from './api-key.mapper';
import { ApiKeysRepository } from './api-keys.repository';
import { StaffRepository } from './staff.repository';

/** Where a key is looked up: a tenant's keys, or one staff member's. */
export type KeyScope = { readonly tenantId: string | null } | { readonly staffId: string };

const unauthenticated = () => new DomainError(ErrorCodes.UNAUTHENTICATED, 'missing or invalid API key');

/** API keys of sellers and staff: issue (shown once), rotate, revoke, authenticate. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly staff: StaffRepository,
    private readonly audit: AuditLog,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  async createSellerKey(
    by: ActorContext,
    tenantId: string,
    input: { label: string; scopes: string[]; expiresAt?: Date | null },
  ): Promise<IssuedKeyView> {
    const unknown = input.scopes.filter((s) => !(SELLER_SCOPES as readonly string[]).includes(s));
    if (!input.scopes.length || unknown.length) {
      throw validationFailed('scopes must be a non-empty subset of the seller scopes', [
        { field: 'scopes', issue: `allowed: ${SELLER_SCOPES.join(', ')}` },
      ]);
    }
    this.checkExpiry(input.expiresAt);
    return this.tx.run(async (tx) => {
      const key = {
        tenantId,
        ownerKind: 'seller' as const,
        staffId: null,
        scopes: [...new Set(input.scopes)].sort(),
        expiresAt: input.expiresAt ?? null,
      };
      const expiresAt = await this.assertMayIssue(tx, by, key, 'default');
      return this.issueInTx(tx, by, { ...key, expiresAt, label: input.label });
    });
  }

  /** A staff member's own additional key (a person's keys are theirs: nobody else mints them). */
  async createStaffKey(by: ActorContext, staffId: string, label: string): Promise<IssuedKeyView> {
    return this.tx.run(async (tx) => {
      // Inside the transaction: the embedded database has one connection, so a query outside it would wait forever.
      const member = await this.staff.findById(staffId, tx);
      if (!member || member.status !== 'active') throw notFound('staff member');
      const key = { tenantId: null, ownerKind: 'staff' as const, staffId, scopes: [], expiresAt: null };
      const expiresAt = await this.assertMayIssue(tx, by, key, 'default');
      return this.issueInTx(tx, by, { ...key, expiresAt, label });
    });
  }

  /** Inside the caller's transaction (staff creation issues the first key with the member). */
  async issueInTx(tx: Tx, by: ActorContext, fields: Partial<ApiKey>): Promise<IssuedKeyView> {
    const issued = issueKey();
    const row = await this.keys.insert(tx, {
      ...fields,
      keyId: issued.keyId,
      secretHash: issued.secretHash,
      createdAt: this.clock.now(),
    });
    await this.audit.append(tx, {
      tenantId: row.tenantId,
      ...auditedBy(by),
      action: 'key.created',
      targets: { keyId: row.keyId, ...(row.staffId ? { staffId: row.staffId } : {}) },
      outcome: 'allowed',
    });
    return { ...toApiKeyView(row), key: issued.key };
  }

  /** Replaces a key with a new one of the same owner and scopes; the old one stops working at once. */
  async rotate(by: ActorContext, scope: KeyScope, keyId: string): Promise<IssuedKeyView> {
    return this.tx.run(async (tx) => {
      const old = await this.requireInScope(keyId, scope, tx);
      if (old.revokedAt) throw new DomainError(ErrorCodes.CONFLICT, 'key is already revoked');
      // Rotation mints a key: the same rule as creation, so it can never lift a caller above itself.
      await this.assertMayIssue(tx, by, old, 'refuse');
      await this.keys.revoke(tx, keyId, this.clock.now());
      const issued = issueKey();
      const row = await this.keys.insert(tx, {
        tenantId: old.tenantId,
        ownerKind: old.ownerKind,
        staffId: old.staffId,
        scopes: old.scopes,
        label: old.label,
        expiresAt: old.expiresAt,
        keyId: issued.keyId,
        secretHash: issued.secretHash,
        rotatedFrom: old.keyId,
        createdAt: this.clock.now(),
      });
      await this.audit.append(tx, {
        tenantId: old.tenantId,
        ...auditedBy(by),
        action: 'key.rotated',
        targets: { keyId: row.keyId, ...(old.staffId ? { staffId: old.staffId } : {}) },
        reason: `replaces ${old.keyId}`,
        outcome: 'allowed',
      });
      return { ...toApiKeyView(row), key: issued.key };
    });
  }

  /** Revoking only ever takes power away: any key manager of the tenant, or an admin (incident response), may. */
  async revoke(by: ActorContext, scope: KeyScope, keyId: string): Promise<ApiKeyView> {
    return this.tx.run(async (tx) => {
      const key = await this.requireInScope(keyId, scope, tx);
      if (!(await this.keys.revoke(tx, keyId, this.clock.now()))) {
        throw new DomainError(ErrorCodes.CONFLICT, 'key is already revoked');
      }
      await this.audit.append(tx, {
        tenantId: key.tenantId,
        ...auditedBy(by),
        action: 'key.revoked',
        targets: { keyId, ...(key.staffId ? { staffId: key.staffId } : {}) },
        outcome: 'allowed',
      });
      return toApiKeyView((await this.keys.findById(keyId, tx))!);
    });
  }

  async listForTenant(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listForTenant(tenantId)).map(toApiKeyView);
  }

  async listForStaff(staffId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listForStaff(staffId)).map(toApiKeyView);
  }

  /**
   * Resolves a presented key to its principal. Every failure (malformed,
   * unknown, wrong secret, revoked, expired, disabled staff) is the same
   * error, and an unknown id costs the same hash comparison as a known one.
   */
  async authenticate(presented: string): Promise<Principal> {
    const parsed = parseKey(presented);
    const row = parsed ? await this.keys.findById(parsed.keyId) : null;
    const matches = secretMatches(parsed?.secret ?? '', row?.secretHash ?? DUMMY_HASH);
    const now = this.clock.now();
    if (!row || !matches || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) throw unauthenticated();
    let principal: Principal;
    if (row.ownerKind === 'seller' && row.tenantId) {
      principal = {
        kind: 'seller',
        id: `key:${row.keyId}`,
        tenantId: row.tenantId,
        scopes: row.scopes,
        keyId: row.keyId,
      };
    } else if (row.ownerKind === 'staff' && row.staffId) {
      const member = await this.staff.findById(row.staffId);
      if (!member || member.status !== 'active') throw unauthenticated();
      principal = { kind: 'staff', id: member.staffId, role: member.role as StaffRole, keyId: row.keyId };
    } else {
      throw unauthenticated();
    }
    await this.keys.touch(row.keyId, now);
    return principal;
  }

  private async requireInScope(keyId: string, scope: KeyScope, tx: Tx): Promise<ApiKey> {
    const key = /^[a-z2-9]{16}$/.test(keyId) ? await this.keys.findById(keyId, tx) : null;
    // A caller only ever sees keys in the scope it named (its tenant, or the staff member in the path).
    if (
      !key ||
      ('tenantId' in scope && key.tenantId !== scope.tenantId) ||
      ('staffId' in scope && key.staffId !== scope.staffId)
    )
      throw notFound('API key');
    return key;
  }

  /**
   * The one rule for minting (creation and rotation): no key ever carries more
   * than the key that made it. A seller key issues only seller keys of its own
   * tenant with scopes it holds itself; a staff member issues only their own
   * keys (nobody, an admin included, mints a key for another person or a
   * seller: staff reach a seller's data under their own identity and the
   * seller's grant); and no key outlives its maker. Operators (CLI, jobs) act
   * with the host's authority. Returns the expiry to use: with `default`, a
   * missing expiry becomes the maker's own; with `refuse`, it must already fit.
   */
  private async assertMayIssue(
    tx: Tx,
    by: ActorContext,
    key: Pick<ApiKey, 'ownerKind' | 'tenantId' | 'staffId' | 'scopes' | 'expiresAt'>,
    missingExpiry: 'default' | 'refuse',
  ): Promise<Date | null> {
    const actor = by.actor;
    if (actor.kind === 'system') return key.expiresAt;
    if (actor.kind === 'seller') {
      if (key.ownerKind !== 'seller' || key.tenantId !== actor.tenantId) throw notFound('API key');
      const beyond = key.scopes.filter((s) => !actor.scopes.includes(s));
      if (beyond.length) {
        throw new DomainError(ErrorCodes.FORBIDDEN, 'a key cannot carry scopes the key that makes it lacks', [
          { field: 'scopes', issue: `not held by the calling key: ${beyond.join(', ')}` },
        ]);
      }
    } else if (key.ownerKind !== 'staff' || key.staffId !== actor.id) {
      throw new DomainError(
        ErrorCodes.FORBIDDEN,
        key.ownerKind === 'seller'
          ? 'staff never hold seller keys: a seller mints its own keys, and staff reach its data under their own key and its grant'
          : "a person's keys are their own: staff may revoke another member's key, never create or rotate one",
      );
    }
    const maker = await this.keys.findById(actor.keyId, tx);
    const limit = maker?.expiresAt ?? null;
    if (limit === null) return key.expiresAt;
    if (key.expiresAt === null && missingExpiry === 'default') return limit;
    if (key.expiresAt === null || key.expiresAt > limit) {
      throw new DomainError(ErrorCodes.FORBIDDEN, 'a key cannot outlive the key that makes it', [
        { field: 'expiresAt', issue: `at most ${limit.toISOString()}` },
      ]);
    }
    return key.expiresAt;
  }

  private checkExpiry(expiresAt?: Date | null): void {
    if (expiresAt && expiresAt.getTime() <= this.clock.nowMs()) {
      throw validationFailed('expiresAt must be in the future', [{ field: 'expiresAt', issue: 'past' }]);
    }
  }
}
