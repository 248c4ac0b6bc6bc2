import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { WebhookTargetGuard } from './target-guard';

export interface WebhookAgents {
  readonly httpsAgent: https.Agent;
  /** Plain HTTP exists only with WEBHOOK_ALLOW_PRIVATE_NETWORKS (development, demo, tests). */
  readonly httpAgent: http.Agent;
  destroy(): void;
}

/**
 * Keep-alive agents whose every new connection resolves through the guard, so
 * the address a socket connects to is the one that was checked. The agents do
 * not bound connections per origin: endpoints of many sellers often share one
 * receiver origin (an integration platform's host), and a per-origin bound
 * would let one seller's hanging endpoint hold every connection there and stall
 * the others'. What is on the wire is bounded above this instead: per endpoint
 * by the dispatcher's concurrency cap, in all by what it may hold claimed.
 */
export function createWebhookAgents(
  guard: WebhookTargetGuard,
  options: { maxIdleSocketsPerOrigin: number; extraCaPem?: string },
): WebhookAgents {
  const common = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: Infinity,
    maxFreeSockets: options.maxIdleSocketsPerOrigin,
    lookup: guard.lookup,
  } as const;
  const httpsAgent = new https.Agent({
    ...common,
    ...(options.extraCaPem ? { ca: [...tls.rootCertificates, options.extraCaPem] } : {}),
  });
  const httpAgent = new http.Agent(common);
  return {
    httpsAgent,
    httpAgent,
    destroy: () => {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}
