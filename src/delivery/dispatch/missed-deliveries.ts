import { Injectable } from '@nestjs/common';
import { DeliveriesRepository } from './deliveries.repository';
import { FanOutService } from './fan-out.service';

/** What an endpoint missed while it was disabled, and how to recover it. */
export interface MissedReport {
  /** Counted from here: when it was disabled, or began failing if that was earlier. */
  since: string;
  /** Events since then it never got (they were fanned out while it was disabled); `replay` queues them. */
  notQueued: number;
  /** Its deliveries given up since then; `replay` sends them again. */
  givenUp: number;
  /** Its deliveries still open: they go out now, in order, without a replay. */
  waiting: number;
  /** The call that recovers the first two. */
  replay: { method: 'POST'; path: string };
}

/** Counts what an endpoint enabled again has missed (the answer to enabling it, in the API and the CLI). */
@Injectable()
export class MissedDeliveries {
  constructor(
    private readonly fanOut: FanOutService,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async since(tenantId: string, endpointId: string, since: Date): Promise<MissedReport> {
    const notQueued = await this.fanOut.countMissed(tenantId, endpointId, since);
    const { givenUp, open } = await this.deliveries.givenUpAndOpen(tenantId, endpointId, since);
    return {
      since: since.toISOString(),
      notQueued,
      givenUp,
      waiting: open,
      replay: {
        method: 'POST',
        path: `/v1/endpoints/${endpointId}/replay?since=${encodeURIComponent(since.toISOString())}`,
      },
    };
  }
}
