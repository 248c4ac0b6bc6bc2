import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { BlindIndexService } from '../../crypto';
import { PiiDestructionService } from '../../orders';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { notFound } from '../../platform/errors/domain-error';
import { JobQueue } from '../../platform/jobs/job-queue';
import { AppLogger } from '../../platform/logging/app-logger';
import { EbayDeletionMetrics, type NotificationOutcome } from './ebay-deletion.metrics';
import { EbayDeletionRepository, type DeletionTarget } from './ebay-deletion.repository';
import { EbayDeletionWorker, EBAY_DELETION_QUEUE } from './ebay-deletion.worker';
import {
  challengeResponse,
  NotificationRefused,
  parseNotification,
  parseSignatureHeader,
  verifyNotificationSignature,
  type AccountDeletionNotification,
} from './ebay-notification';
import { EbayPublicKeys } from './ebay-public-keys';

/**
 * eBay Marketplace Account Deletion (reference ebay.md §3). The challenge proves the endpoint to eBay; a
 * notification is checked (shape, then eBay's ECDSA signature with the key its kid names), recorded by its
 * id and acknowledged at once; the erasure runs in the background (EbayDeletionWorker) in every tenant that
 * holds buyer data of that eBay user. The username is turned into each tenant's blind index on arrival and
 * never stored in clear; refused notifications are counted and leave nothing behind.
 */
@Injectable()
export class EbayAccountDeletionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: TransactionManager,
    private readonly repository: EbayDeletionRepository,
    private readonly destruction: PiiDestructionService,
    private readonly blindIndex: BlindIndexService,
    private readonly keys: EbayPublicKeys,
    private readonly jobs: JobQueue,
    private readonly worker: EbayDeletionWorker,
    private readonly metrics: EbayDeletionMetrics,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  /** GET ?challenge_code=: the hex SHA-256 eBay expects, from the configured token and endpoint URL. */
  challenge(challengeCode: string): { challengeResponse: string } {
    const settings = this.settings();
    return {
      challengeResponse: challengeResponse(challengeCode, settings.verificationToken, settings.endpointUrl),
    };
  }

  /**
   * A notification POST. Resolves once it is recorded (the erasure is queued in the same transaction), with
   * `accepted` for a new notification and `resent` for eBay sending one again with a higher attempt count
   * (acknowledged, not erased twice). Throws NotificationRefused (malformed, forged, replayed) or `unavailable`
   * when eBay's key cannot be fetched (not acknowledged, so eBay sends it again).
   */
  async receive(rawBody: Buffer | null, signatureHeader: string | undefined): Promise<'accepted' | 'resent'> {
    this.settings();
    let outcome: NotificationOutcome = 'unavailable';
    try {
      const header = parseSignatureHeader(signatureHeader);
      if (!rawBody?.length) throw new NotificationRefused('malformed', 'the body is empty or not JSON');
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new NotificationRefused('malformed', 'the body is not valid JSON');
      }
      const notification = parseNotification(parsed);
      const key = await this.keys.keyFor(header.kid);
      if (!verifyNotificationSignature(rawBody, parsed, header.signature, key)) {
        throw new NotificationRefused('forged', 'the X-EBAY-SIGNATURE does not verify with eBay’s key');
      }
      outcome = await this.record(notification);
      if (outcome === 'accepted') this.worker.kick();
      return outcome;
    } catch (err) {
      if (err instanceof NotificationRefused) {
        outcome = err.reason;
        this.logger.warn('eBay account deletion notification refused', { reason: err.reason, problem: err.message });
      }
      throw err;
    } finally {
      this.metrics.notifications.inc({ outcome });
    }
  }

  /**
   * One transaction: the notification row (its id refuses replays), each tenant's blind index of the username
   * (tenants holding eBay buyer data; the index is per tenant) and the erasure job.
   */
  private record(n: AccountDeletionNotification): Promise<'accepted' | 'resent'> {
    return this.transactions.run(async (tx) => {
      const now = this.clock.now();
      if (!(await this.repository.recordNew(tx, n, now))) {
        if (await this.repository.recordResend(tx, n)) return 'resent';
        throw new NotificationRefused('replayed', 'this notification was already received');
      }
      const targets: DeletionTarget[] = [];
      for (const tenantId of await this.destruction.tenantsHoldingPii(tx, 'ebay')) {
        const indexer = await this.blindIndex.indexerFor(tenantId, tx);
        targets.push({ tenantId, buyerIndex: indexer.buyerId('ebay', n.username) });
      }
      await this.repository.addTargets(tx, n.notificationId, targets);
      await this.jobs.enqueue(
        EBAY_DELETION_QUEUE,
        n.notificationId,
        { payload: { notificationId: n.notificationId } },
        tx,
      );
      return 'accepted';
    });
  }

  private settings(): { verificationToken: string; endpointUrl: string } {
    const settings = this.config.ebay.accountDeletion;
    if (!settings) throw notFound('eBay account deletion endpoint (EBAY_VERIFICATION_TOKEN is not configured)');
    return settings;
  }
}
