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
    // A seller cannot hand out more than it holds.
    const actor = by.actor;
    if (actor.kind === 'seller' && input.scopes.some((s) => !actor.scopes.includes(s))) {
      throw new DomainError(ErrorCodes.FORBIDDEN, 'a key cannot carry scopes the creating key lacks');
    }
    this.checkExpiry(input.expiresAt);
    return this.issue(by, {
      tenantId,
      ownerKind: 'seller',
      staffId: null,
      scopes: [...new Set(input.scopes)].sort(),
      label: input.label,
      expiresAt: input.expiresAt ?? null,
    });
  }

  async createStaffKey(by: ActorContext, staffId: string, label: string): Promise<IssuedKeyView> {
    const member = await this.staff.findById(staffId);
    if (!member || member.status !== 'active') throw notFound('staff member');
    return this.issue(by, { tenantId: null, ownerKind: 'staff', staffId, scopes: [], label, expiresAt: null });
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

  private issue(by: ActorContext, fields: Partial<ApiKey>): Promise<IssuedKeyView> {
    return this.tx.run((tx) => this.issueInTx(tx, by, fields));
  }

  /** Replaces a key with a new one of the same owner and scopes; the old one stops working at once. */
  async rotate(by: ActorContext, scope: { tenantId?: string | null }, keyId: string): Promise<IssuedKeyView> {
    return this.tx.run(async (tx) => {
      const old = await this.requireInScope(keyId, scope, tx);
      if (old.revokedAt) throw new DomainError(ErrorCodes.CONFLICT, 'key is already revoked');
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

  async revoke(by: ActorContext, scope: { tenantId?: string | null }, keyId: string): Promise<ApiKeyView> {
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

  private async requireInScope(keyId: string, scope: { tenantId?: string | null }, tx: Tx): Promise<ApiKey> {
    const key = /^[a-z2-9]{16}$/.test(keyId) ? await this.keys.findById(keyId, tx) : null;
    // A tenant-scoped caller only ever sees its own tenant's keys: anything else is not found.
    if (!key || (scope.tenantId !== undefined && key.tenantId !== scope.tenantId)) throw notFound('API key');
    return key;
  }

  private checkExpiry(expiresAt?: Date | null): void {
    if (expiresAt && expiresAt.getTime() <= this.clock.nowMs()) {
      throw validationFailed('expiresAt must be in the future', [{ field: 'expiresAt', issue: 'past' }]);
    }
  }
}
