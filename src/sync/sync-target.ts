/** The connection a sync run is for. */
export interface SyncTarget {
  readonly tenantId: string;
  readonly connectionId: string;
}
