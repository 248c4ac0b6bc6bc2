import type { FaultKind } from './faults';

export type ObservedOperation = 'lwaToken' | 'searchOrders' | 'getOrder' | 'unknown';

/**
 * One request as the simulator saw it. Deliberately holds no credentials: no access,
 * refresh or grant token and no request body, so the log can be printed in a test failure.
 */
export interface ObservedRequest {
  /** Simulator-clock time the request arrived, ISO 8601. */
  readonly at: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly host?: string;
  operation: ObservedOperation;
  /** For `lwaToken`: which grant the client used. */
  grantType?: string;
  /** For SP-API calls with a valid access token. */
  sellingPartnerId?: string;
  fault?: FaultKind;
  /** HTTP status sent; absent when the connection was cut or the response never finished. */
  status?: number;
}

export class Observations {
  private log: ObservedRequest[] = [];
  private lwa = 0;

  record(entry: ObservedRequest): ObservedRequest {
    this.log.push(entry);
    if (entry.operation === 'lwaToken') this.lwa++;
    return entry;
  }

  get requests(): readonly ObservedRequest[] {
    return this.log;
  }

  get lwaCalls(): number {
    return this.lwa;
  }

  reset(): void {
    this.log = [];
    this.lwa = 0;
  }
}
