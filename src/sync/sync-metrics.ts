import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Clock } from '../platform/clock/clock';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import { DeadLetterRepository } from './dead-letter.repository';
import type { SyncOutcome } from './sync-outcome';
import { SyncStateRepository } from './sync-state.repository';

/**
 * Sync instruments. Labels are connection ids (opaque uuids), marketplaces and
 * error codes: never seller or buyer text. Lag and open dead letters are read
 * from the database at scrape time, so every replica reports the same truth.
 */
@Injectable()
export class SyncMetrics implements OnModuleInit {
  private ingested!: Counter<'marketplace' | 'kind'>;
  private deadLettered!: Counter<'marketplace'>;
  private runs!: Counter<'marketplace' | 'result'>;
  private replays!: Counter<'marketplace' | 'result'>;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly states: SyncStateRepository,
    private readonly deadLetters: DeadLetterRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.ingested = this.registry.counter({
      name: 'ordervault_orders_ingested_total',
      help: 'Orders created, updated or cancelled by sync',
      labelNames: ['marketplace', 'kind'],
    });
    this.deadLettered = this.registry.counter({
      name: 'ordervault_orders_dead_lettered_total',
      help: 'Orders the sync could not read and set aside',
      labelNames: ['marketplace'],
    });
    this.runs = this.registry.counter({
      name: 'ordervault_sync_runs_total',
      help: 'Sync runs by result',
      labelNames: ['marketplace', 'result'],
    });
    this.replays = this.registry.counter({
      name: 'ordervault_dead_letter_replays_total',
      help: 'Dead letters re-fetched by replay, by what came back',
      labelNames: ['marketplace', 'result'],
    });
    const states = this.states;
    const clock = this.clock;
    this.registry.gauge({
      name: 'ordervault_sync_lag_seconds',
      help: 'Seconds between now and the instant up to which a connection is fully synced',
      labelNames: ['connection_id'],
      async collect() {
        this.reset();
        for (const s of await states.listAll()) {
          if (s.cursor) this.set({ connection_id: s.connectionId }, (clock.nowMs() - s.cursor.getTime()) / 1000);
        }
      },
    });
    this.registry.gauge({
      name: 'ordervault_sync_consecutive_failures',
      help: 'Consecutive failed sync runs per connection',
      labelNames: ['connection_id'],
      async collect() {
        this.reset();
        for (const s of await states.listAll()) this.set({ connection_id: s.connectionId }, s.consecutiveFailures);
      },
    });
    const deadLetters = this.deadLetters;
    this.registry.gauge({
      name: 'ordervault_dead_letters_open',
      help: 'Dead-lettered orders not yet resolved',
      labelNames: ['marketplace', 'reason'],
      async collect() {
        this.reset();
        for (const r of await deadLetters.countOpen()) this.set({ marketplace: r.marketplace, reason: r.reason }, r.n);
      },
    });
  }

  observe(o: SyncOutcome): void {
    this.runs.inc({ marketplace: o.marketplace, result: o.result });
    if (o.created) this.ingested.inc({ marketplace: o.marketplace, kind: 'created' }, o.created);
    if (o.updated) this.ingested.inc({ marketplace: o.marketplace, kind: 'updated' }, o.updated);
    if (o.cancelled) this.ingested.inc({ marketplace: o.marketplace, kind: 'cancelled' }, o.cancelled);
    if (o.deadLettered) this.deadLettered.inc({ marketplace: o.marketplace }, o.deadLettered);
    const r = o.replay;
    if (r) {
      const counts = { ingested: r.ingested, still_broken: r.stillBroken, gone: r.gone, gave_up: r.gaveUp };
      for (const [result, n] of Object.entries(counts)) {
        if (n) this.replays.inc({ marketplace: o.marketplace, result }, n);
      }
    }
  }
}
