/**
 * Requests on the wire per endpoint from this dispatcher: at most `cap` at once, the rest wait their turn (first
 * come, first served). A dispatcher may hold leases on up to `LEASE_DEPTH` × cap of an endpoint's deliveries (the
 * batch being sent and the next one, prepared meanwhile); these slots keep at most the cap of them sending. No
 * other dispatcher sends to the endpoint meanwhile: a claim takes nothing from an endpoint another dispatcher holds
 * (`Dispatcher.claim`, `DeliveriesRepository.lease`).
 */
export class SendSlots {
  private readonly slots = new Map<string, { busy: number; waiting: Array<() => void> }>();

  constructor(private readonly cap: number) {}

  /** Takes one of the endpoint's slots; resolves `true` if it had to wait for it. */
  async acquire(endpointId: string): Promise<boolean> {
    let s = this.slots.get(endpointId);
    if (!s) {
      s = { busy: 0, waiting: [] };
      this.slots.set(endpointId, s);
    }
    if (s.busy < this.cap) {
      s.busy++;
      return false;
    }
    const queue = s.waiting;
    // The slot is handed over by `release` as it is (busy stays the same).
    await new Promise<void>((resolve) => queue.push(resolve));
    return true;
  }

  release(endpointId: string): void {
    const s = this.slots.get(endpointId);
    if (!s) return;
    const next = s.waiting.shift();
    if (next) next();
    else if (--s.busy === 0) this.slots.delete(endpointId);
  }

  /** Requests to the endpoint sending now. */
  busy(endpointId: string): number {
    return this.slots.get(endpointId)?.busy ?? 0;
  }
}
