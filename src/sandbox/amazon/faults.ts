import type { ServerResponse } from 'node:http';
import { sendJson, sendText } from './http-io';
import { QUOTA_EXCEEDED } from './sp-api-errors';

export const FAULT_KINDS = ['500', '503', '429', 'html-502', 'html-503', 'empty-200', 'reset', 'hang'] as const;
/**
 * - '500': InternalFailure ErrorList (body seen in amzn/selling-partner-api-models#2898).
 * - '503': ServiceUnavailable ErrorList (shape per model; exact text unverified).
 * - '429': QuotaExceeded without a rate header (reference §3).
 * - 'html-502' / 'html-503': an HTML page from the edge instead of JSON (503 page as in
 *   amzn/selling-partner-api-models#4667).
 * - 'empty-200': 200 with an empty body (intermittent in the EU, amzn/selling-partner-api-models#4850).
 * - 'reset': the socket is destroyed without a response.
 * - 'hang': no response until the client gives up or the simulator closes.
 */
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultTarget = 'sp-api' | 'lwa';

export function isFaultKind(value: unknown): value is FaultKind {
  return typeof value === 'string' && (FAULT_KINDS as readonly string[]).includes(value);
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const HTML_503 =
  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n' +
  '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />\n' +
  '<title>Website Temporarily Unavailable</title>\n</head>\n<body>\n<p>&nbsp;</p>\n</body>\n</html>\n';

/** Queued one-shot faults, consumed in order by the next requests of their target. */
export class FaultQueue {
  private readonly queues: Record<FaultTarget, FaultKind[]> = { 'sp-api': [], lwa: [] };
  private duplicatePageArmed = false;

  push(count: number, kind: FaultKind, target: FaultTarget): void {
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`fault count must be a non-negative integer, got ${count}`);
    for (let i = 0; i < count; i++) this.queues[target].push(kind);
  }

  take(target: FaultTarget): FaultKind | undefined {
    return this.queues[target].shift();
  }

  armDuplicatePage(): void {
    this.duplicatePageArmed = true;
  }

  /** True once: the caller should remember the page it is about to send and repeat it. */
  takeDuplicatePage(): boolean {
    const armed = this.duplicatePageArmed;
    this.duplicatePageArmed = false;
    return armed;
  }

  clear(): void {
    this.queues['sp-api'] = [];
    this.queues.lwa = [];
    this.duplicatePageArmed = false;
  }
}

/** Writes the fault response; for 'reset' and 'hang' deliberately nothing is written. */
export function respondWithFault(
  res: ServerResponse,
  kind: FaultKind,
  target: FaultTarget,
  headers: Record<string, string>,
): void {
  const oauth = target === 'lwa';
  switch (kind) {
    case '500':
      return sendJson(
        res,
        500,
        oauth
          ? { error_description: 'Internal Server Error', error: 'server_error' }
          : {
              errors: [
                {
                  code: 'InternalFailure',
                  message: 'We encountered an internal error. Please try again.',
                  details: '',
                },
              ],
            },
        headers,
      );
    case '503':
      return sendJson(
        res,
        503,
        oauth
          ? { error_description: 'Service unavailable', error: 'temporarily_unavailable' }
          : {
              errors: [
                {
                  code: 'ServiceUnavailable',
                  message: 'Service is temporarily unavailable. Please try again.',
                  details: '',
                },
              ],
            },
        headers,
      );
    case '429':
      return sendJson(
        res,
        429,
        oauth ? { error_description: 'Rate exceeded', error: 'slow_down' } : QUOTA_EXCEEDED,
        headers,
      );
    case 'html-502':
      return sendText(res, 502, 'text/html', HTML_502, headers);
    case 'html-503':
      return sendText(res, 503, 'text/html', HTML_503, headers);
    case 'empty-200':
      return sendText(res, 200, 'application/json', '', headers);
    case 'reset':
      res.socket?.destroy();
      return;
    case 'hang':
      return;
  }
}
