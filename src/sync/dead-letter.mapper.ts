import type { DeadLetter, DeadLetterResolution } from './dead-letter.entity';
import { REPLAY_SCHEDULE } from './dead-letter-replay';
import { SEALED_DATA_UNREADABLE } from './dead-letter.entity';

/**
 * A dead letter as every caller sees it: the code and the PII-free detail (a field path and what was
 * wrong with it, never its value), counts and resolution. The sealed payload is never shown, only
 * whether it is still held.
 */
export interface DeadLetterView {
  deadLetterId: string;
  connectionId: string;
  marketplace: string;
  /** The marketplace's order id; `?` followed by a digest when the payload had no usable id. */
  marketplaceOrderId: string;
  reasonCode: string;
  reasonDetail: string;
  /** Sightings and replays so far. */
  attempts: number;
  firstSeenAt: string;
  lastSeenAt: string;
  state: 'open' | 'resolved';
  resolution: DeadLetterResolution | null;
  resolvedAt: string | null;
  /** Who resolved it by hand (`dismissed`); null otherwise. */
  resolvedBy: string | null;
  resolutionNote: string | null;
  replay: {
    /**
     * `scheduled`: re-fetched by a run at or after `nextAt`; `requested`: an operator asked, the
     * connection's next run re-fetches it; `gave_up`: replay stopped (a later page that reads the
     * order still resolves it); `never`: nothing to ask the marketplace for (no order id) or a
     * person must act (unreadable sealed data); `none`: resolved.
     */
    state: 'scheduled' | 'requested' | 'gave_up' | 'never' | 'none';
    nextAt: string | null;
    requestedAt: string | null;
    gaveUpAt: string | null;
  };
  /** Whether the sealed marketplace payload is held (`none`: destroyed with its order's buyer data, or never kept). */
  payload: 'sealed' | 'none';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Whether replay could ever re-fetch this letter (it has an order id and is not waiting for a person). */
export function isReplayable(d: Pick<DeadLetter, 'marketplaceOrderId' | 'reasonCode'>): boolean {
  return !d.marketplaceOrderId.startsWith('?') && d.reasonCode !== SEALED_DATA_UNREADABLE;
}

function replayOf(d: DeadLetter): DeadLetterView['replay'] {
  const base = { nextAt: null, requestedAt: iso(d.replayRequestedAt), gaveUpAt: iso(d.gaveUpAt) };
  if (d.resolvedAt) return { ...base, state: 'none' };
  if (!isReplayable(d)) return { ...base, state: 'never' };
  if (d.replayRequestedAt) return { ...base, state: 'requested' };
  if (d.gaveUpAt) return { ...base, state: 'gave_up' };
  // The same delay the replay query applies (dead-letter.repository.ts dueForReplay).
  const delay = Math.min(REPLAY_SCHEDULE.maxDelayMs, REPLAY_SCHEDULE.firstDelayMs * 2 ** (Math.max(d.attempts, 1) - 1));
  return { ...base, state: 'scheduled', nextAt: new Date(d.lastSeenAt.getTime() + delay).toISOString() };
}

export function toDeadLetterView(d: DeadLetter): DeadLetterView {
  return {
    deadLetterId: d.deadLetterId,
    connectionId: d.connectionId,
    marketplace: d.marketplace,
    marketplaceOrderId: d.marketplaceOrderId,
    reasonCode: d.reasonCode,
    reasonDetail: d.reasonDetail,
    attempts: d.attempts,
    firstSeenAt: d.firstSeenAt.toISOString(),
    lastSeenAt: d.lastSeenAt.toISOString(),
    state: d.resolvedAt ? 'resolved' : 'open',
    resolution: d.resolution,
    resolvedAt: iso(d.resolvedAt),
    resolvedBy: d.resolvedBy,
    resolutionNote: d.resolutionNote,
    replay: replayOf(d),
    payload: d.payloadCiphertext ? 'sealed' : 'none',
  };
}
