/**
 * Paces a sweep to a duty cycle: after each batch it pauses in proportion to the batch's own duration, so a
 * sweep of a large backlog takes at most `dutyPercent` of the time it runs and leaves the rest of the database
 * and the cores to ingestion and delivery. Measured in wall time (`performance.now()`), not the injected clock:
 * it paces real resource use, and a rehearsal that holds the clock still must still be paced.
 *
 * At 50 % a backlog is cleared in about twice the unpaced time; the due-time promise (destroyed within one
 * sweep interval) holds as long as a sweep interval's worth of due orders takes less than that interval, which the
 * `destroy` benchmark measures.
 */
export class SweepPacer {
  private resumedAt: number | null = null;

  constructor(
    private readonly dutyPercent: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly elapsedMs: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(dutyPercent) || dutyPercent < 1 || dutyPercent > 100) {
      throw new RangeError('duty cycle must be an integer percentage from 1 to 100');
    }
  }

  /** No pause at all (a rehearsal or benchmark that measures the work itself). */
  static unpaced(): SweepPacer {
    return new SweepPacer(100);
  }

  /** Called before every batch: pauses for the share of the previous batch's duration the duty cycle leaves. */
  async beforeBatch(): Promise<void> {
    if (this.resumedAt !== null && this.dutyPercent < 100) {
      const work = this.elapsedMs() - this.resumedAt;
      const pause = Math.min(MAX_PAUSE_MS, (work * (100 - this.dutyPercent)) / this.dutyPercent);
      if (pause >= 1) await this.sleep(pause);
    }
    this.resumedAt = this.elapsedMs();
  }
}

/** A batch that took very long (a stalled database) does not stall the sweep for longer than this. */
const MAX_PAUSE_MS = 5_000;
