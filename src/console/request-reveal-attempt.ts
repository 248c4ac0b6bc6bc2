import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RevealAttempt } from '../access/reveal-input';
import { RejectedBody } from '../platform/http/json-body.middleware';

/** A reveal under an access request: the request's id from the path, the form's order id and reason. */
export interface RequestRevealAttempt {
  readonly requestId: string;
  readonly attempt: RevealAttempt;
}

/**
 * The reveal form of an approved access request as it arrived (order id and
 * reason; the ticket is the request's) and the request id from the path, both
 * unvalidated: the services refuse a malformed one and log it, which a pipe
 * refusing it before the handler would not.
 */
export const RequestReveal = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestRevealAttempt => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const param: unknown = req.params.requestId;
  const requestId = typeof param === 'string' ? param : '';
  const body = req.body as unknown;
  if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof RejectedBody) {
    return { requestId, attempt: { orderId: undefined, reason: undefined, body } };
  }
  const { orderId, reason } = body as { orderId?: unknown; reason?: unknown };
  return {
    requestId,
    attempt: { orderId: typeof orderId === 'string' ? orderId.trim().toLowerCase() : orderId, reason },
  };
});
