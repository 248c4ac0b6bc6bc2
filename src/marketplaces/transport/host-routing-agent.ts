import type { ClientRequest } from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { watchReusedSocket } from './stale-socket';

/**
 * Idle kept-alive sockets are closed by us after this long, unless the server announces a shorter timeout
 * (Node honours `Keep-Alive: timeout=N` and closes a second before). Well under the 60 s idle timeout of common
 * load balancers, so we rarely send on a socket the server is closing; when we do, see stale-socket.ts.
 */
const FREE_SOCKET_TIMEOUT_MS = 30_000;

/** Maps a real marketplace host name to the endpoint that stands in for it. */
export type HostRoute = (host: string) => URL | undefined;

/**
 * An HTTPS agent that keeps every request's host name (Host header, SNI and the
 * certificate check all use the real marketplace name) but opens the TCP
 * connection to a configured endpoint instead: a regional sandbox, or our
 * simulators on loopback. The marketplace clients hard-code their hosts; this
 * is the seam that lets us point them elsewhere without patching them.
 * Certificates are verified against the system store plus the extra CAs given.
 */
export class HostRoutingAgent extends https.Agent {
  constructor(
    private readonly route: HostRoute,
    options: https.AgentOptions & { extraCaPem?: string } = {},
  ) {
    const { extraCaPem, ...agentOptions } = options;
    super({
      keepAlive: true,
      maxSockets: 8,
      timeout: FREE_SOCKET_TIMEOUT_MS,
      ...agentOptions,
      ...(extraCaPem ? { ca: [...tls.rootCertificates, extraCaPem] } : {}),
    });
  }

  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    super.reuseSocket(socket, request);
    watchReusedSocket(socket, request);
  }

  /** Node's agent hands the returned socket to the request itself (no callback needed). */
  override createConnection(options: tls.ConnectionOptions): Duplex {
    const host = options.servername || options.host || '';
    const target = this.route(host);
    if (!target) return tls.connect(options);
    return tls.connect({
      ...options,
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 443),
      servername: host,
    });
  }
}

/**
 * Builds a route from optional overrides: each entry maps a host pattern
 * (`api.amazon.com`, `*.amazon.com`) to the URL that replaces it. Unmatched
 * hosts connect as usual.
 */
export function routeTable(entries: Array<[pattern: string, target: URL | undefined]>): HostRoute {
  const active = entries.filter((e): e is [string, URL] => e[1] !== undefined);
  return (host) => {
    for (const [pattern, target] of active) {
      if (pattern === host) return target;
      if (pattern.startsWith('*.') && host.endsWith(pattern.slice(1))) return target;
    }
    return undefined;
  };
}
