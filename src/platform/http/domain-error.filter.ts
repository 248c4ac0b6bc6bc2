import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCodes, type ErrorCode, type ErrorDetail } from '../errors/domain-error';
import { AppLogger } from '../logging/app-logger';

const STATUS: Record<ErrorCode, number> = {
  [ErrorCodes.VALIDATION_FAILED]: HttpStatus.BAD_REQUEST,
  [ErrorCodes.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ErrorCodes.CONFLICT]: HttpStatus.CONFLICT,
  [ErrorCodes.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [ErrorCodes.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [ErrorCodes.RATE_LIMITED]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCodes.PRECONDITION_FAILED]: HttpStatus.PRECONDITION_FAILED,
  [ErrorCodes.GONE]: HttpStatus.GONE,
  [ErrorCodes.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCodes.CRYPTO_FAILURE]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ErrorCodes.CONFIG_INVALID]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ErrorCodes.MARKETPLACE_ERROR]: HttpStatus.BAD_GATEWAY,
  [ErrorCodes.INTERNAL]: HttpStatus.INTERNAL_SERVER_ERROR,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: readonly ErrorDetail[]; requestId?: string };
}

/**
 * The one place errors become HTTP responses. Domain errors map by code; the
 * framework's own HTTP errors (validation pipe, unknown route, malformed JSON)
 * keep their 4xx status; anything else is a 500 with a generic message and the
 * request id, the detail going to the (redacting) log only.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { requestId?: string }>();
    const requestId = req.requestId;
    const { status, body } = DomainErrorFilter.toResponse(exception, requestId);
    if (status >= 500) {
      this.logger.error('request failed', { requestId, route: req.route?.path, status, err: exception });
    }
    if (exception instanceof DomainError && exception.code === ErrorCodes.RATE_LIMITED) {
      const retry = exception.details.find((d) => d.field === 'retryAfterSeconds');
      if (retry) res.setHeader('Retry-After', retry.issue);
    }
    res.status(status).json(body);
  }

  /** What an exception becomes over HTTP (the console renders the same status and message as a page). */
  static toResponse(exception: unknown, requestId?: string): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      const status = STATUS[exception.code] ?? 500;
      const message = status >= 500 && exception.code !== ErrorCodes.UNAVAILABLE ? 'internal error' : exception.message;
      return {
        status,
        body: {
          error: {
            code: exception.code,
            message,
            ...(exception.details.length && status < 500 ? { details: exception.details } : {}),
            requestId,
          },
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as string | { message?: string | string[] };
      const messages = typeof response === 'string' ? [response] : [response.message ?? exception.message].flat();
      const code =
        status === 404
          ? ErrorCodes.NOT_FOUND
          : status === 401
            ? ErrorCodes.UNAUTHENTICATED
            : status === 403
              ? ErrorCodes.FORBIDDEN
              : status === 429
                ? ErrorCodes.RATE_LIMITED
                : status < 500
                  ? ErrorCodes.VALIDATION_FAILED
                  : ErrorCodes.INTERNAL;
      return {
        status,
        body: {
          error: {
            code,
            message: status < 500 ? String(messages[0] ?? 'invalid request') : 'internal error',
            ...(messages.length > 1 && status < 500 ? { details: messages.map((m) => ({ issue: String(m) })) } : {}),
            requestId,
          },
        },
      };
    }
    return { status: 500, body: { error: { code: ErrorCodes.INTERNAL, message: 'internal error', requestId } } };
  }
}
