import { Injectable } from '@nestjs/common';
import { BlindIndexService, DataKeyService } from '../crypto';
import type { BuyerPii } from '../marketplaces/canonical-order';
import type { Tx } from '../platform/database/transaction-manager';
import { ORDER_PII_PURPOSE } from './order-ingest.service';
import { piiJson } from './order-content';
import { OrdersRepository } from './orders.repository';
import { OutboxRepository, type NewOutboxEvent } from './outbox.repository';
import { applyCorrections, correctedPaths, type PiiCorrections } from './pii-merge';

/** What one rectification did (ids and counts, never data). */
export interface RectificationResult {
  readonly rectified: string[];
  /** Orders found without buyer data to correct (destroyed or never received). */
  readonly skipped: string[];
  readonly fields: string[];
}

/**
 * Correcting a buyer's data at their request, in the caller's transaction: for
 * each order still holding buyer data, the sealed copy is opened, corrected,
 * sealed again under the order's data key with its blind indexes and buyer
 * digest recomputed; the corrected field paths join the order's overrides (so
 * the marketplace's copy never replaces them: see mergePii), the version moves
 * on and an `order.updated` event is queued. The caller locks the orders first.
 */
@Injectable()
export class PiiRectificationService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxRepository,
    private readonly dataKeys: DataKeyService,
    private readonly blindIndex: BlindIndexService,
  ) {}

  async rectify(
    tx: Tx,
    tenantId: string,
    orderIds: readonly string[],
    corrections: PiiCorrections,
    now: Date,
  ): Promise<RectificationResult> {
    const fields = correctedPaths(corrections);
    const indexer = await this.blindIndex.indexerFor(tenantId, tx);
    const keys = await this.dataKeys.openDataKeys(tx, tenantId, orderIds);
    const rectified: string[] = [];
    const skipped: string[] = [];
    const events: NewOutboxEvent[] = [];
    for (const orderId of orderIds) {
      const order = await this.orders.findOne(tenantId, orderId, tx);
      const key = keys.get(orderId);
      if (!order || order.piiState !== 'present' || !order.piiCiphertext || !key) {
        skipped.push(orderId);
        continue;
      }
      const corrected = applyCorrections(key.openJson<BuyerPii>(ORDER_PII_PURPOSE, order.piiCiphertext), corrections);
      const text = piiJson(corrected);
      const overrides = [...new Set([...order.piiOverrides, ...fields])].sort();
      const written = await this.orders.rewriteBuyerData(
        tx,
        tenantId,
        orderId,
        {
          piiCiphertext: key.seal(ORDER_PII_PURPOSE, Buffer.from(text)),
          emailIndex: corrected.email ? indexer.email(corrected.email) : null,
          buyerIndex: corrected.buyerMarketplaceId
            ? indexer.buyerId(order.marketplace, corrected.buyerMarketplaceId)
            : null,
          buyerDigest: indexer.content(Buffer.from(text)),
          piiOverrides: overrides,
        },
        now,
      );
      if (!written) {
        skipped.push(orderId);
        continue;
      }
      rectified.push(orderId);
      events.push({
        orderId,
        type: 'order.updated',
        orderVersion: written.version,
        payload: {
          orderId,
          marketplace: written.marketplace,
          marketplaceOrderId: written.marketplaceOrderId,
          status: written.status,
          version: written.version,
          lastUpdatedAt: written.marketplaceUpdatedAt.toISOString(),
          buyerDataRectified: true,
        },
      });
    }
    await this.outbox.append(tx, tenantId, events, now);
    return { rectified, skipped, fields };
  }
}
