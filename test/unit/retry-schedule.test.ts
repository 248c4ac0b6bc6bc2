import {
  MAX_ATTEMPTS,
  nextStep,
  parseRetryAfter,
  RETRY_DELAYS_MS,
  classifyStatus,
} from '../../src/delivery/dispatch/retry-schedule';

const fail = { result: 'http_status' as const, statusCode: 500 };

describe('webhook retry schedule', () => {
  it('reaches at least 10 attempts over about three days, with ±20 % jitter', () => {
    expect(MAX_ATTEMPTS).toBeGreaterThanOrEqual(10);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3600_000).toBeGreaterThan(70);
    expect(total / 3600_000).toBeLessThan(80);
    expect(nextStep(1, fail, () => 0)).toEqual({ kind: 'retry', delayMs: 4_000 });
    expect(nextStep(1, fail, () => 0.999999)).toEqual({ kind: 'retry', delayMs: 6_000 });
    expect(nextStep(10, fail, () => 0.5)).toEqual({ kind: 'retry', delayMs: 24 * 3600_000 });
    expect(nextStep(MAX_ATTEMPTS, fail, () => 0.5)).toEqual({ kind: 'give_up' });
  });

  it('classifies answers: 2xx success, 3xx failure, 410 disables, 429/503 throttle', () => {
    expect([200, 204, 301, 302, 404, 410, 429, 500, 503].map(classifyStatus)).toEqual([
      'ok',
      'ok',
      'redirect',
      'redirect',
      'http_status',
      'gone',
      'rate_limited',
      'http_status',
      'unavailable',
    ]);
    expect(nextStep(1, { result: 'gone', statusCode: 410 })).toEqual({ kind: 'disable_endpoint' });
  });

  it('honours Retry-After within [1 min, 24 h]; timeouts and 429 wait at least a minute', () => {
    const now = new Date('2026-11-02T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 02 Nov 2026 10:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    const at = (result: 'rate_limited' | 'unavailable', ms: number | null) =>
      nextStep(1, { result, statusCode: 429, retryAfterMs: ms }, () => 0.5);
    expect(at('rate_limited', 5_000)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(at('unavailable', 3 * 86400_000)).toEqual({ kind: 'retry', delayMs: 86400_000 });
    expect(at('rate_limited', null)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextStep(1, { result: 'timeout', statusCode: null }, () => 0.5)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextStep(5, { result: 'timeout', statusCode: null }, () => 0.5)).toEqual({
      kind: 'retry',
      delayMs: 2 * 3600_000,
    });
  });
});
