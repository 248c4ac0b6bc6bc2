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
 * the address a socket connects to is the one that was checked. `maxSockets`
 * bounds connections per receiver origin; per-endpoint concurrency is enforced
 * by the dispatcher above this.
 */
export function createWebhookAgents(
  guard: WebhookTargetGuard,
  options: { maxSocketsPerOrigin: number; extraCaPem?: string },
): WebhookAgents {
  const common = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: options.maxSocketsPerOrigin,
    maxFreeSockets: options.maxSocketsPerOrigin,
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
