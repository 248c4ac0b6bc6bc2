import { ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { h } from 'preact';
import type { AuthenticatedRequest } from '../auth';
import { DomainErrorFilter } from '../platform/http/domain-error.filter';
import { AppLogger } from '../platform/logging/app-logger';
import { pageContextOf } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { ErrorMessage, ErrorPage } from './views/error-page';
import { SignInPage } from './views/sign-in-page';
import { safeNext } from './sign-in-target';
import { applyConsoleHeaders } from './console-headers';

/**
 * Errors on console routes, as pages: same statuses and messages as the JSON
 * API (one mapping, in platform/http), drawn as HTML. Not signed in (401): the
 * sign-in form, coming back here afterwards. An htmx request gets the message as
 * a fragment to swap in, or, when its session has ended, a full reload.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<AuthenticatedRequest>();
    const { status, body } = DomainErrorFilter.toResponse(exception, req.requestId);
    if (status >= 500) {
      this.logger.error('console request failed', {
        requestId: req.requestId,
        route: req.route?.path,
        status,
        err: exception,
      });
    }
    const retry = body.error.details?.find((d) => d.field === 'retryAfterSeconds');
    if (status === 429 && retry) res.setHeader('Retry-After', retry.issue);
    applyConsoleHeaders(res);
    res.status(status).type(HTML);
    const htmx = req.header('hx-request') === 'true';
    if (status === 401) {
      if (htmx) {
        res.setHeader('HX-Refresh', 'true');
        res.send(renderFragment(h(ErrorMessage, { status, message: 'Your session has ended; sign in again.' })));
        return;
      }
      const next = req.method === 'GET' ? safeNext(req.originalUrl) : '/console';
      res.send(renderPage(h(SignInPage, { next, notice: 'Sign in to continue.' })));
      return;
    }
    const message = body.error.message;
    if (htmx) {
      res.send(renderFragment(h(ErrorMessage, { status, message, requestId: req.requestId })));
      return;
    }
    res.send(renderPage(h(ErrorPage, { ctx: pageContextOf(req), status, message, requestId: req.requestId })));
  }
}
