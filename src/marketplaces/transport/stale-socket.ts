import type { ClientRequest } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A kept-alive socket can be closed by the server (its idle timeout) at the moment we send the next request on
 * it: the request then fails with a reset before a single response byte, and the server never saw it. Real
 * marketplaces and their load balancers close idle sockets too. Such a failure is marked on the error object
 * (client libraries wrap it, but keep it as `cause` or rethrow it) so that an idempotent read can be sent once
 * more, on a new socket.
 */
const STALE_SOCKET_RESET = Symbol('ordervault.staleSocketReset');
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Called by the agent when it hands a kept-alive socket to a new request. */
export function watchReusedSocket(socket: Duplex, req: ClientRequest): void {
  const bytesBefore = (socket as { bytesRead?: number }).bytesRead ?? 0;
  // Registered while the request is constructed, so before the client library's own error listener.
  req.once('error', (err: NodeJS.ErrnoException) => {
    const nothingRead = ((socket as { bytesRead?: number }).bytesRead ?? 0) === bytesBefore;
    if (RESET_CODES.has(err.code ?? '') && nothingRead && !(req as { res?: unknown }).res) {
      Object.defineProperty(err, STALE_SOCKET_RESET, { value: true, enumerable: false });
    }
  });
}

/** True when the error (or one it wraps) is a reset of a reused socket before any response byte. */
export function isStaleSocketReset(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ((e as Record<symbol, unknown>)[STALE_SOCKET_RESET] === true) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs an idempotent read, and runs it once more if it failed on a stale kept-alive socket. Only for GETs:
 * anything that changes state could have been applied by a server that reset the socket afterwards.
 */
export async function readWithStaleSocketRetry<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!isStaleSocketReset(err)) throw err;
    return read();
  }
}
