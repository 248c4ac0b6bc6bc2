import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { Clock } from '../../platform/clock/clock';
import { MetricsRegistry } from '../../platform/metrics/metrics-registry';
import { DeliveriesRepository } from './deliveries.repository';

/** Webhook metrics. Labels are results, statuses and endpoint ids: never buyer data. */
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  private attempts!: Counter<'result'>;
  private finished!: Counter<'status'>;
  private latency!: Histogram<'result'>;
  private endpointEvents!: Counter<'event'>;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly deliveries: DeliveriesRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.attempts = this.registry.counter({
      name: 'ordervault_webhook_attempts_total',
      help: 'Webhook attempts by result (ok, http_status, timeout, rate_limited, gone, …)',
      labelNames: ['result'],
    });
    this.finished = this.registry.counter({
      name: 'ordervault_webhook_deliveries_total',
      help: 'Deliveries by the state an attempt left them in (succeeded, failed_retrying, given_up)',
      labelNames: ['status'],
    });
    this.latency = this.registry.histogram({
      name: 'ordervault_webhook_attempt_seconds',
      help: 'Duration of webhook attempts that reached the network',
      labelNames: ['result'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    });
    this.endpointEvents = this.registry.counter({
      name: 'ordervault_webhook_endpoint_events_total',
      help: 'Operational events about failing endpoints (endpoint.failing warnings, endpoint.disabled)',
      labelNames: ['event'],
    });
    const deliveries = this.deliveries;
    const clock = this.clock;
    this.registry.gauge({
      name: 'ordervault_webhook_backlog',
      help: 'Deliveries not yet succeeded or given up, per endpoint',
      labelNames: ['endpoint_id'],
      async collect() {
        this.reset();
        for (const r of await deliveries.backlog()) this.set({ endpoint_id: r.endpoint_id }, r.n);
      },
    });
    this.registry.gauge({
      name: 'ordervault_webhook_oldest_pending_seconds',
      help: 'Age of the oldest open delivery, per endpoint',
      labelNames: ['endpoint_id'],
      async collect() {
        this.reset();
        for (const r of await deliveries.backlog()) {
          this.set({ endpoint_id: r.endpoint_id }, (clock.nowMs() - new Date(r.oldest).getTime()) / 1000);
        }
      },
    });
    this.registry.gauge({
      name: 'ordervault_webhook_endpoints_disabled',
      help: 'Webhook endpoints disabled (by their seller, a 410 answer or continuous failure)',
      async collect() {
        this.set(await deliveries.countDisabledEndpoints());
      },
    });
  }

  endpointEvent(event: string): void {
    this.endpointEvents.inc({ event });
  }

  attempted(result: string, latencyMs: number, reachedNetwork: boolean, status: string | null): void {
    this.attempts.inc({ result });
    if (reachedNetwork) this.latency.observe({ result }, latencyMs / 1000);
    if (status) this.finished.inc({ status });
  }
}
