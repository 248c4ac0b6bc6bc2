import type { Server } from 'node:http';

/**
 * The simulators close idle kept-alive sockets as a load balancer in front of a marketplace would (60 s is the
 * common default), instead of Node's 5 s: explicit, and long enough that a busy test machine does not turn
 * every pause into a socket closed under the client. The client side copes with either (HostRoutingAgent).
 */
export const SIMULATOR_KEEP_ALIVE_MS = 60_000;

export function applySimulatorKeepAlive(server: Pick<Server, 'keepAliveTimeout' | 'headersTimeout'>): void {
  server.keepAliveTimeout = SIMULATOR_KEEP_ALIVE_MS;
  // Must exceed the keep-alive timeout, or a slow first header on a kept-alive socket is cut off early.
  server.headersTimeout = SIMULATOR_KEEP_ALIVE_MS + 5_000;
}
