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
import { parseInstant } from '../platform/validation/instant';
import { emit, table, UsageError } from './output';

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
  return endpoints.update(cliActor(enabled ? 'endpoint enable' : 'endpoint disable'), tenantId, endpointId, {
    enabled,
  });
}

export function endpointEnabledText(e: ReenabledEndpointView): string {
  const lines = [`endpoint ${e.endpointId} ${e.enabled ? 'enabled' : `disabled (${e.disabledReason})`}`];
  const m = e.missedWhileDisabled;
  if (m) {
    lines.push(
      `while disabled (${m.disabledReason ?? 'unknown'}, since ${m.disabledAt ?? 'unknown'}): ${m.failedOrGivenUp} deliveries failed or were given up since ${m.since}`,
      m.failedOrGivenUp
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

  const endpoint = program.command('endpoint').description('webhook endpoints');
  for (const enabled of [true, false]) {
    endpoint
      .command(enabled ? 'enable' : 'disable')
      .description(
        enabled
          ? 'enable an endpoint; prints what failed or was given up while it was disabled and the replay for it'
          : 'stop sending to an endpoint (its deliveries wait)',
      )
      .argument('<endpoint>', 'endpoint id')
      .addOption(json())
      .action(async (endpointId: string, o: { json?: boolean }) => {
        const view = await withAppContext(cfg(), (app) => setEndpointEnabled(app, endpointId, enabled));
        emit(!!o.json, view, () => endpointEnabledText(view));
      });
  }

  program
    .command('replay')
    .description('send again every failed or given-up delivery of an endpoint created since an instant')
    .requiredOption('--endpoint <id>', 'endpoint id')
    .requiredOption('--since <instant>', 'ISO 8601 instant (as printed by `endpoint enable`)')
    .addOption(json())
    .action(async (o: { endpoint: string; since: string; json?: boolean }) => {
      const since = parseInstant(o.since);
      if (!since) throw new UsageError('--since takes an ISO 8601 instant, for example 2026-12-01T00:00:00Z');
      const result = await withAppContext(cfg(), async (app) => {
        const tenantId = await app.get(EndpointsService).tenantOf(o.endpoint);
        return app.get(DeliveriesService).replay(tenantId, o.endpoint, since);
      });
      emit(!!o.json, result, () => `${result.replayed} deliveries due again now`);
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
