import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';
import type { SweptBatch } from './buyer-data-sweep';
import { RetentionOverview } from './retention-overview.service';

/**
 * Retention instruments. Labels are marketplaces only: never tenant
 * names, order ids or buyer data. The oldest overdue age is read from the database at scrape time, so every
 * replica reports the same truth.
 */
@Injectable()
export class RetentionMetrics implements OnModuleInit {
  private destroyed!: Counter<'marketplace'>;
  private recordsDeleted!: Counter<'marketplace'>;
  private durations!: Histogram;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly overview: RetentionOverview,
  ) {}

  onModuleInit(): void {
    this.destroyed = this.registry.counter({
      name: 'ordervault_retention_orders_destroyed_total',
      help: 'Orders whose buyer data a sweep destroyed',
      labelNames: ['marketplace'],
    });
    this.recordsDeleted = this.registry.counter({
      name: 'ordervault_retention_order_records_deleted_total',
      help: 'Order records a sweep deleted at the end of their bookkeeping period',
      labelNames: ['marketplace'],
    });
    this.durations = this.registry.histogram({
      name: 'ordervault_retention_sweep_duration_seconds',
      help: "Wall time of one replica's scheduled sweep (plan, its share of the tenants, unidentified letters)",
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900],
    });
    const overview = this.overview;
    this.registry.gauge({
      name: 'ordervault_retention_oldest_overdue_seconds',
      help: 'How long the oldest buyer data past its due date (and not under a legal hold) has been overdue',
      labelNames: ['marketplace'],
      async collect() {
        this.reset();
        for (const [marketplace, seconds] of Object.entries(await overview.oldestOverdueSeconds())) {
          this.set({ marketplace }, seconds);
        }
      },
    });
    this.registry.gauge({
      name: 'ordervault_retention_orders_held',
      help: 'Orders holding buyer data under an active legal hold',
      labelNames: ['marketplace'],
      async collect() {
        this.reset();
        for (const [marketplace, n] of Object.entries(await overview.heldOrders())) this.set({ marketplace }, n);
      },
    });
  }

  /** One committed batch of the scheduled sweep. */
  swept(batch: SweptBatch): void {
    if (batch.destroyed) this.destroyed.inc({ marketplace: batch.marketplace }, batch.destroyed);
    if (batch.recordsExpired) this.recordsDeleted.inc({ marketplace: batch.marketplace }, batch.recordsExpired);
  }

  sweepTook(seconds: number): void {
    this.durations.observe(seconds);
  }
}
