/**
 * Transport and server faults the simulator can inject ahead of normal handling.
 *   '500'      → 500 with the operation's system-error envelope (30500 for Fulfillment, §1.2)
 *   '429'      → 429 errorId 2001, the live daily-quota body (§4)
 *   'html-502' → 502 with an HTML page, as a gateway in front of eBay would answer
 *   'reset'    → the TCP connection is destroyed without any response
 *   'hang'     → no response until the client gives up (or the simulator closes)
 */
export type FaultKind = '500' | '429' | 'html-502' | 'reset' | 'hang';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '429', 'html-502', 'reset', 'hang'];

/** Which requests a fault applies to: eBay API calls (default), token calls, or both. */
export type FaultTarget = 'api' | 'identity' | 'any';

interface PendingFault {
  remaining: number;
  kind: FaultKind;
  target: FaultTarget;
}

export class FaultQueue {
  private readonly pending: PendingFault[] = [];
  private pageReplayArmed = false;

  add(count: number, kind: FaultKind, target: FaultTarget = 'api'): void {
    if (!FAULT_KINDS.includes(kind)) throw new Error(`Unknown fault kind ${String(kind)}`);
    if (!Number.isInteger(count) || count < 1) throw new Error('Fault count must be a positive integer');
    this.pending.push({ remaining: count, kind, target });
  }

  /** The fault for this request, consuming one unit of the first entry that applies. */
  take(isIdentity: boolean): FaultKind | undefined {
    const index = this.pending.findIndex((f) => f.target === 'any' || (f.target === 'identity') === isIdentity);
    if (index < 0) return undefined;
    const fault = this.pending[index];
    fault.remaining--;
    if (fault.remaining === 0) this.pending.splice(index, 1);
    return fault.kind;
  }

  armPageReplay(): void {
    this.pageReplayArmed = true;
  }

  /** True once: the next successful getOrders page is to be served twice. */
  consumePageReplay(): boolean {
    const armed = this.pageReplayArmed;
    this.pageReplayArmed = false;
    return armed;
  }

  clear(): void {
    this.pending.length = 0;
    this.pageReplayArmed = false;
  }
}

export const GATEWAY_502_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
