import { Injectable } from '@nestjs/common';
import { AuditLog, auditedBy } from '../audit';
import type { ActorContext } from '../auth';
import { Clock } from '../platform/clock/clock';
import { TransactionManager, type Tx } from '../platform/database/transaction-manager';
import { validationFailed, type ErrorDetail } from '../platform/errors/domain-error';
import { isCleanText } from '../platform/validation/text';
import {
  ABSOLUTE_PII_WINDOW_CAP_DAYS,
  DEFAULT_ORDER_RECORD_MONTHS,
  MAX_ORDER_RECORD_MONTHS,
  MAX_RECORD_BASIS_LENGTH,
  PII_WINDOW_CAPS,
  type RetentionMarketplace,
} from './retention-caps';
import { toRetentionPolicyView, type RetentionPolicyView } from './retention-policy.mapper';
import { RetentionPolicyRepository } from './retention-policy.repository';

/** A seller's change for one marketplace: its buyer-data window, its order-record period, or both. */
export interface RetentionChange {
  readonly marketplace: RetentionMarketplace;
  readonly piiWindowDays?: number;
  /** Months after purchase; longer than 18 only with a stated legal basis. */
  readonly orderRecord?: { readonly months: number; readonly basis?: string | null };
}

/** Buyer-data windows in days, per marketplace, as a sweep applies them. */
export type PiiWindows = Readonly<Record<RetentionMarketplace, number>>;

/** Order-record periods per marketplace, as a sweep applies them. */
export type RecordPeriods = Readonly<Record<RetentionMarketplace, { months: number; basis: string | null }>>;

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

  /** The order-record periods a sweep applies to the tenant now. */
  async recordPeriodsFor(tenantId: string, tx?: Tx): Promise<RecordPeriods> {
    const view = toRetentionPolicyView(tenantId, await this.policies.list(tenantId, tx));
    return Object.fromEntries(
      view.marketplaces.map((m) => [m.marketplace, { months: m.orderRecordMonths, basis: m.orderRecordBasis }]),
    ) as RecordPeriods;
  }

  async change(by: ActorContext, tenantId: string, changes: readonly RetentionChange[]): Promise<RetentionPolicyView> {
    assertWithinCaps(changes);
    return this.transactions.run(async (tx) => {
      const before = toRetentionPolicyView(tenantId, await this.policies.lockForChange(tx, tenantId));
      const now = this.clock.now();
      const described: string[] = [];
      for (const c of changes) {
        const current = before.marketplaces.find((m) => m.marketplace === c.marketplace)!;
        if (c.piiWindowDays !== undefined && (current.isDefault || current.piiWindowDays !== c.piiWindowDays)) {
          await this.policies.upsert(tx, tenantId, c.marketplace, c.piiWindowDays, now);
          described.push(`${c.marketplace} buyer-data window ${current.piiWindowDays} -> ${c.piiWindowDays} days`);
        }
        const record = c.orderRecord;
        if (record) {
          const basis = record.months > DEFAULT_ORDER_RECORD_MONTHS ? record.basis!.trim() : null;
          if (record.months === current.orderRecordMonths && basis === current.orderRecordBasis) continue;
          const stored = record.months === DEFAULT_ORDER_RECORD_MONTHS ? null : record.months;
          await this.policies.upsertRecordPeriod(tx, tenantId, c.marketplace, stored, basis, now);
          described.push(
            `${c.marketplace} order records ${current.orderRecordMonths} -> ${record.months} months after purchase` +
              (basis ? ` (legal basis: ${basis})` : ''),
          );
        }
      }
      if (described.length) {
        await this.audit.append(tx, {
          tenantId,
          ...auditedBy(by),
          action: 'retention.changed',
          targets: { tenantId },
          reason: described.join('; ').slice(0, 500),
          outcome: 'allowed',
        });
      }
      return toRetentionPolicyView(tenantId, await this.policies.list(tenantId, tx));
    });
  }
}

/** Above a cap is refused, naming the cap and its basis; one marketplace twice is ambiguous. */
function assertWithinCaps(changes: readonly RetentionChange[]): void {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const c of changes) {
    const cap = PII_WINDOW_CAPS[c.marketplace];
    if (seen.has(c.marketplace)) details.push({ field: c.marketplace, issue: 'named twice' });
    seen.add(c.marketplace);
    if (c.piiWindowDays === undefined && !c.orderRecord) {
      details.push({ field: c.marketplace, issue: 'give piiWindowDays, orderRecordMonths or both' });
    }
    if (c.orderRecord) checkRecordPeriod(c.marketplace, c.orderRecord, details);
    if (c.piiWindowDays === undefined) continue;
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

/** 18 months by default; longer (up to 10 years) only with a stated legal basis; never shorter. */
function checkRecordPeriod(
  marketplace: string,
  record: { months: number; basis?: string | null },
  details: ErrorDetail[],
): void {
  const field = `${marketplace}.orderRecordMonths`;
  if (!Number.isInteger(record.months)) {
    details.push({ field, issue: 'a whole number of months' });
  } else if (record.months < DEFAULT_ORDER_RECORD_MONTHS || record.months > MAX_ORDER_RECORD_MONTHS) {
    details.push({
      field,
      issue: `from ${DEFAULT_ORDER_RECORD_MONTHS} (the default) to ${MAX_ORDER_RECORD_MONTHS} months (10 years, with a legal basis)`,
    });
  } else if (record.months > DEFAULT_ORDER_RECORD_MONTHS) {
    const basis = record.basis?.trim() ?? '';
    if (!basis || basis.length > MAX_RECORD_BASIS_LENGTH || !isCleanText(basis)) {
      details.push({
        field: `${marketplace}.orderRecordBasis`,
        issue: `keeping order records longer than ${DEFAULT_ORDER_RECORD_MONTHS} months needs a stated legal basis (1 to ${MAX_RECORD_BASIS_LENGTH} printable characters, e.g. tax record keeping)`,
      });
    }
  }
}
