import type { INestApplicationContext } from '@nestjs/common';
import type { Command, Option } from 'commander';
import type { AppConfig } from '../config';
import { cliActor } from '../auth';
import { DeliveriesService } from '../delivery/dispatch/deliveries.service';
import { Dispatcher, type DispatchSummary } from '../delivery/dispatch/dispatcher.service';
import { FanOutService } from '../delivery/dispatch/fan-out.service';
import type { ReenabledEndpointView } from '../delivery/endpoints/endpoint.mapper';
import { EndpointsService } from '../delivery/endpoints/endpoints.service';
import { withAppContext } from './app-context';
import { emit, table } from './output';

export interface DeliverOnceSummary extends DispatchSummary {
  /** Outbox events fanned out in this run, and the deliveries queued for them. */
  readonly events: number;
  readonly queued: number;
}

/** Fans out every pending outbox event, then sends everything due now (retries not yet due stay queued). */
export async function deliverOnce(app: INestApplicationContext): Promise<DeliverOnceSummary> {
  const fanned = await app.get(FanOutService).fanOutAll();
  const sent = await app.get(Dispatcher).dispatchAllDue();
  return { events: fanned.events, queued: fanned.deliveries, ...sent };
}

export function deliverSummaryText(s: DeliverOnceSummary): string {
  return [
    `fanned out ${s.events} events into ${s.queued} deliveries`,
    `sent ${s.claimed}: ${s.succeeded} succeeded, ${s.retrying} to retry, ${s.givenUp} given up` +
      (s.released ? `, ${s.released} handed back (endpoint disabled meanwhile)` : '') +
      (s.endpointsDisabled ? `; ${s.endpointsDisabled} answered 410 Gone (endpoint disabled)` : ''),
  ].join('\n');
}

/** Enables or disables an endpoint named by its id alone (operators); enabling reports what it missed. */
export async function setEndpointEnabled(
  app: INestApplicationContext,
  endpointId: string,
  enabled: boolean,
): Promise<ReenabledEndpointView> {
  const endpoints = app.get(EndpointsService);
  const tenantId = await endpoints.tenantOf(endpointId);
  return endpoints.update(cliActor(enabled ? 'endpoint-enable' : 'endpoint-disable'), tenantId, endpointId, {
    enabled,
  });
}

export function endpointEnabledText(e: ReenabledEndpointView): string {
  const lines = [`endpoint ${e.endpointId} ${e.enabled ? 'enabled' : `disabled (${e.disabledReason})`}`];
  const m = e.missedWhileDisabled;
  if (m) {
    lines.push(
      `while disabled (${m.disabledReason ?? 'unknown'}, since ${m.disabledAt ?? 'unknown'}): ${m.failedOrGivenUp} deliveries failed or were given up since ${m.since}; ${m.notQueued} events were never queued for it`,
      m.failedOrGivenUp + m.notQueued
        ? `send them again: ordervault replay --endpoint ${e.endpointId} --since ${m.since}  (or ${m.replay.method} ${m.replay.path})`
        : 'nothing to replay',
    );
  }
  return lines.join('\n');
}

export function registerDeliveryCommands(program: Command, cfg: () => AppConfig, json: () => Option): void {
  program
    .command('deliver')
    .description('fan out pending order events and send every webhook due now, then print a summary')
    .requiredOption('--once', 'run one pass and exit (the server dispatches continuously)')
    .addOption(json())
    .action(async (o: { json?: boolean }) => {
      const summary = await withAppContext(cfg(), deliverOnce);
      emit(!!o.json, summary, () => deliverSummaryText(summary));
    });

  const deliveries = program.command('deliveries').description('webhook deliveries');
  deliveries
    .command('list')
    .description("an endpoint's deliveries, newest first")
    .requiredOption('--endpoint <id>', 'endpoint id')
    .option('--status <status>', 'pending, succeeded, failed_retrying, given_up, or failed (both failed states)')
    .option('--limit <n>', 'at most this many (1–200)', (v) => Number(v), 50)
    .addOption(json())
    .action(async (o: { endpoint: string; status?: string; limit: number; json?: boolean }) => {
      const page = await withAppContext(cfg(), (app) =>
        app.get(DeliveriesService).listForOperator(o.endpoint, { status: o.status, limit: o.limit }),
      );
      emit(!!o.json, page, () =>
        table(
          page.items.map((d) => ({
            delivery: d.deliveryId,
            event: d.eventType,
            order: d.orderId,
            version: d.orderVersion,
            status: d.status,
            attempts: d.attemptCount,
            last: d.lastStatusCode ?? d.lastErrorClass,
            next: d.nextAttemptAt,
          })),
        ),
      );
    });
}
