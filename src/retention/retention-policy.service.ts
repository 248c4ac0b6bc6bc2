import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { validationFailed, type ErrorDetail } from '../platform/errors/domain-error';
import { ABSOLUTE_PII_WINDOW_CAP_DAYS, PII_WINDOW_CAPS, type RetentionMarketplace } from './retention-caps';
import { toRetentionPolicyView, type RetentionPolicyView } from './retention-policy.mapper';
import { RetentionPolicyRepository } from './retention-policy.repository';

export interface PiiWindowChange {
  readonly marketplace: RetentionMarketplace;
  readonly piiWindowDays: number;
}

/** Buyer-data windows in days, per marketplace, as a sweep applies them. */
export type PiiWindows = Readonly<Record<RetentionMarketplace, number>>;

/**
 * Sellers' retention windows. A window may be shortened below its cap, never
 * lengthened above it; every change is an access-log entry (`retention.changed`)
 * committed with it. Windows are read when a sweep runs, so a shorter window
 * makes already-stored orders due at once.
 */
@Injectable()
export class RetentionPolicyService {
  constructor(
    private readonly policies: RetentionPolicyRepository,
    private readonly transactions: TransactionManager,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async view(tenantId: string): Promise<RetentionPolicyView> {
    return toRetentionPolicyView(tenantId, await this.policies.list(tenantId));
  }

  /** The windows a sweep applies to the tenant now. */
  async windowsFor(tenantId: string, tx?: Tx): Promise<PiiWindows> {
    const view = toRetentionPolicyView(tenantId, await this.policies.list(tenantId, tx));
    return Object.fromEntries(view.marketplaces.map((m) => [m.marketplace, m.piiWindowDays])) as PiiWindows;
  }

  async change(by: ActorContext, tenantId: string, changes: readonly PiiWindowChange[]): Promise<RetentionPolicyView> {
    assertWithinCaps(changes);
    return this.transactions.run(async (tx) => {
      const before = toRetentionPolicyView(tenantId, await this.policies.lockForChange(tx, tenantId));
      const now = this.clock.now();
      const described: string[] = [];
      for (const c of changes) {
        const current = before.marketplaces.find((m) => m.marketplace === c.marketplace)!;
        if (!current.isDefault && current.piiWindowDays === c.piiWindowDays) continue;
        await this.policies.upsert(tx, tenantId, c.marketplace, c.piiWindowDays, now);
        described.push(`${c.marketplace} buyer-data window ${current.piiWindowDays} -> ${c.piiWindowDays} days`);
      }
      if (described.length) {
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'retention.changed',
          targets: { tenantId },
          reason: described.join('; '),
          outcome: 'allowed',
        });
      }
      return toRetentionPolicyView(tenantId, await this.policies.list(tenantId, tx));
    });
  }
}

/** Above a cap is refused, naming the cap and its basis; one marketplace twice is ambiguous. */
function assertWithinCaps(changes: readonly PiiWindowChange[]): void {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const c of changes) {
    const cap = PII_WINDOW_CAPS[c.marketplace];
    if (seen.has(c.marketplace)) details.push({ field: c.marketplace, issue: 'named twice' });
    seen.add(c.marketplace);
    if (!Number.isInteger(c.piiWindowDays) || c.piiWindowDays < 0) {
      details.push({ field: `${c.marketplace}.piiWindowDays`, issue: 'a whole number of days, 0 or more' });
    } else if (c.piiWindowDays > Math.min(cap.days, ABSOLUTE_PII_WINDOW_CAP_DAYS)) {
      details.push({
        field: `${c.marketplace}.piiWindowDays`,
        issue: `at most ${cap.days} days (${cap.basis})`,
      });
    }
  }
  if (details.length) {
    const first = details[0];
    throw validationFailed(`retention window refused: ${first.field} ${first.issue}`, details);
  }
}
