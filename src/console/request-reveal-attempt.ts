import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RevealAttempt } from '../access/reveal-input';
import { RejectedBody } from '../platform/http/json-body.middleware';

/**
 * The reveal form of an approved access request as it arrived (order id and
 * reason; the ticket is the request's), handed to the reveal service
 * unvalidated: it refuses a malformed reveal and logs it.
 */
export const RequestRevealAttempt = createParamDecorator((_: unknown, ctx: ExecutionContext): RevealAttempt => {
  const body = ctx.switchToHttp().getRequest<Request>().body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof RejectedBody) {
    return { orderId: undefined, reason: undefined, body };
  }
  const { orderId, reason } = body as { orderId?: unknown; reason?: unknown };
  return { orderId: typeof orderId === 'string' ? orderId.trim().toLowerCase() : orderId, reason };
});
