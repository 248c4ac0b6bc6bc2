import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth';
import { DomainError } from '../platform/errors/domain-error';
import { AppLogger } from '../platform/logging/app-logger';
import { isUuid } from '../platform/validation/uuid';
import { DataSubjectRequestsService } from './data-subject-requests.service';

/**
 * Every refused call on a data-subject-request route leaves a denied entry,
 * whatever was sent: bad input refused by the pipes (they run inside this
 * interceptor), and refusals of the service (too many orders, an unknown or
 * spent request). The guard logs its own refusals (wrong key, missing scope)
 * before this runs. The entry names the route and the error's message, which
 * names fields, never values.
 */
@Injectable()
export class DsrRefusalsInterceptor implements NestInterceptor {
  constructor(
    private readonly requests: DataSubjectRequestsService,
    private readonly logger: AppLogger,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (!req.principal) return throwError(() => err);
        const route = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? 'route'}`;
        const why = err instanceof DomainError ? `${err.code}: ${err.message}` : describe(err);
        const id = typeof req.params?.id === 'string' && isUuid(req.params.id) ? req.params.id.toLowerCase() : null;
        const recording = this.requests
          .recordRefused(
            { actor: req.principal, requestId: req.requestId ?? null },
            req.tenantId ?? null,
            route,
            why,
            id,
          )
          .catch((e: unknown) => this.logger.error('could not record a refused data-subject request', { err: e }));
        return from(recording).pipe(mergeMap(() => throwError(() => err)));
      }),
    );
  }
}

/** A refusal that is not a domain error: the framework's own 4xx (body parsing, validation), or a failure. */
function describe(err: unknown): string {
  const status = (err as { getStatus?: () => number }).getStatus?.();
  return status !== undefined && status < 500 ? `invalid request (${status})` : 'failed: internal error';
}
