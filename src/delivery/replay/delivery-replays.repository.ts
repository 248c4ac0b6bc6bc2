import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../../platform/database/transaction-manager';
import { DeliveryReplay } from './delivery-replay.entity';

/** Replays of endpoints (`delivery_replays`). */
@Injectable()
export class DeliveryReplaysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: Tx, row: DeliveryReplay): Promise<void> {
    await tx.getRepository(DeliveryReplay).insert(row);
  }

  findForUpdate(tx: Tx, tenantId: string, replayId: string): Promise<DeliveryReplay | null> {
    return tx
      .getRepository(DeliveryReplay)
      .findOne({ where: { tenantId, replayId }, lock: { mode: 'pessimistic_write' } });
  }

  async save(tx: Tx, row: DeliveryReplay): Promise<void> {
    await tx.getRepository(DeliveryReplay).save(row);
  }

  findOne(tenantId: string, replayId: string): Promise<DeliveryReplay | null> {
    return this.dataSource.getRepository(DeliveryReplay).findOne({ where: { tenantId, replayId } });
  }

  /** An endpoint's replays, newest first. */
  listForEndpoint(tenantId: string, endpointId: string, limit: number): Promise<DeliveryReplay[]> {
    return this.dataSource.getRepository(DeliveryReplay).find({
      where: { tenantId, endpointId },
      order: { createdAt: 'DESC', replayId: 'DESC' },
      take: limit,
    });
  }

  /** Deletes finished replays older than `before` (with the outbox and delivery purge). */
  async purgeFinished(tx: Tx, before: Date): Promise<number> {
    const [, count] = (await tx.query(`DELETE FROM delivery_replays WHERE status = 'done' AND finished_at < $1`, [
      before,
    ])) as [unknown, number];
    return count;
  }
}
