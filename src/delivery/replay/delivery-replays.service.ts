import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActorContext } from '../../auth';
import { Clock } from '../../platform/clock/clock';
import { TransactionManager } from '../../platform/database/transaction-manager';
import { notFound, validationFailed } from '../../platform/errors/domain-error';
import { JobQueue } from '../../platform/jobs/job-queue';
import { isUuid } from '../../platform/validation/uuid';
import { EndpointsService } from '../endpoints/endpoints.service';
import { DeliveryReplay } from './delivery-replay.entity';
import { toReplayView, type ReplayView } from './delivery-replay.mapper';
import { DELIVERY_REPLAY_QUEUE, DeliveryReplayWorker } from './delivery-replay.worker';
import { DeliveryReplaysRepository } from './delivery-replays.repository';

/** Replays listed per endpoint, newest first. */
const LIST_LIMIT = 20;

/** Recovering an endpoint since an instant, in the background, with progress to poll. */
@Injectable()
export class DeliveryReplaysService {
  constructor(
    private readonly replays: DeliveryReplaysRepository,
    private readonly endpoints: EndpointsService,
    private readonly worker: DeliveryReplayWorker,
    private readonly jobs: JobQueue,
    private readonly tx: TransactionManager,
    private readonly clock: Clock,
  ) {}

  /**
   * Queues the replay and its job in one transaction and starts it after the commit: failed and given-up
   * deliveries since `since` go again, then the events the endpoint never got are queued for it. Answers at once
   * with the replay to poll.
   */
  async start(by: ActorContext, tenantId: string, endpointId: string, since: Date): Promise<ReplayView> {
    await this.endpoints.get(tenantId, endpointId, 'owner');
    const now = this.clock.now();
    if (since.getTime() > now.getTime()) {
      throw validationFailed('invalid since', [{ field: 'since', issue: 'an instant in the past' }]);
    }
    const row = Object.assign(new DeliveryReplay(), {
      tenantId,
      replayId: randomUUID(),
      endpointId,
      since,
      status: 'queued' as const,
      requestedBy: `${by.actor.kind}:${by.actor.id}`,
      toReplay: null,
      replayed: 0,
      queued: 0,
      cursor: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    });
    await this.tx.run(async (tx) => {
      await this.replays.insert(tx, row);
      await this.jobs.enqueue(
        DELIVERY_REPLAY_QUEUE,
        row.replayId,
        { tenantId, payload: { replayId: row.replayId } },
        tx,
      );
    });
    this.worker.kick();
    return toReplayView(row);
  }

  async get(tenantId: string, replayId: string): Promise<ReplayView> {
    const row = isUuid(replayId) ? await this.replays.findOne(tenantId, replayId) : null;
    if (!row) throw notFound('replay');
    return toReplayView(row);
  }

  /** The endpoint's latest replays, newest first. */
  async list(tenantId: string, endpointId: string): Promise<ReplayView[]> {
    await this.endpoints.get(tenantId, endpointId, 'owner');
    return (await this.replays.listForEndpoint(tenantId, endpointId, LIST_LIMIT)).map(toReplayView);
  }
}
