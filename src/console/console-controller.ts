import {
  applyDecorators,
  Controller,
  Injectable,
  UseFilters,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { ConsoleErrorFilter } from './console-error.filter';
import { applyConsoleHeaders } from './console-headers';

/** Sets the headers before the handler runs (the error filter sets them on everything refused before it). */
@Injectable()
export class ConsoleHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    applyConsoleHeaders(context.switchToHttp().getResponse<Response>());
    return next.handle();
  }
}

/**
 * A console controller: its routes answer with the console's headers, render
 * errors as pages, and stay out of the OpenAPI document (the JSON API is the
 * documented surface; every console action has its API route there).
 */
export const ConsoleController = (path: string) =>
  applyDecorators(
    Controller(path),
    UseFilters(ConsoleErrorFilter),
    UseInterceptors(ConsoleHeadersInterceptor),
    ApiExcludeController(),
  );
