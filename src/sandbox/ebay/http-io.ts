import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimResponse } from './ebay-errors';

/** Request bodies are tiny (token forms, control JSON); cap them so a runaway client cannot grow memory. */
const MAX_BODY_BYTES = 1_000_000;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Writes a response uncompressed, whatever Accept-Encoding says: ebay-api sends the odd
 * `Accept-Encoding: application/gzip` and expects plain JSON back (reference §1.1).
 */
export function writeResponse(res: ServerResponse, response: SimResponse): void {
  const text =
    typeof response.body === 'string' && response.contentType !== undefined
      ? response.body
      : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': response.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(text),
    ...response.headers,
  });
  res.end(text);
}
