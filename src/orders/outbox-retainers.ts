import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transaction-manager';

/**
 * Something that still needs outbox events after they were dispatched: delivery's
 * pending deliveries (an event is fanned out, so dispatched, long before its last
 * retry is given up). Registered by its own module when it starts (`onModuleInit`),
 * so the purge names none of them. The purge asks every retainer about each batch of
 * candidates inside its transaction, with the candidates locked.
 */
export interface OutboxRetainer {
  /** Short, stable name (shown in purge summaries). */
  readonly name: string;
  /** Which of these events of the tenant must be kept for now. */
  retainedAmong(tx: Tx, tenantId: string, eventIds: readonly string[]): Promise<ReadonlySet<string>>;
}

@Injectable()
export class OutboxRetainers {
  private readonly retainers = new Map<string, OutboxRetainer>();

  register(retainer: OutboxRetainer): void {
    if (this.retainers.has(retainer.name)) throw new Error(`outbox retainer "${retainer.name}" registered twice`);
    this.retainers.set(retainer.name, retainer);
  }

  list(): readonly OutboxRetainer[] {
    return [...this.retainers.values()];
  }
}
