import type { DeliveryReplay, ReplayStatus } from './delivery-replay.entity';

export interface ReplayView {
  readonly replayId: string;
  readonly endpointId: string;
  readonly since: string;
  readonly status: ReplayStatus;
  readonly toReplay: number | null;
  readonly replayed: number;
  readonly queued: number;
  readonly requestedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Where to poll its progress. */
  readonly links: { readonly self: string };
}

export function toReplayView(r: DeliveryReplay): ReplayView {
  return {
    replayId: r.replayId,
    endpointId: r.endpointId,
    since: r.since.toISOString(),
    status: r.status,
    toReplay: r.toReplay,
    replayed: r.replayed,
    queued: r.queued,
    requestedAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    links: { self: `/v1/replays/${r.replayId}` },
  };
}
