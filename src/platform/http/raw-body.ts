import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RawBodyRequest } from './json-body.middleware';

/**
 * The bytes of a JSON request body exactly as received (a signature over the body is checked against these),
 * or null when the request had no JSON body. The parsed body is not passed on with it.
 */
export const RawBody = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Buffer | null => ctx.switchToHttp().getRequest<RawBodyRequest>().rawBody ?? null,
);
