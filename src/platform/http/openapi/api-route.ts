import { SetMetadata } from '@nestjs/common';
import { z } from 'zod';

export const API_ROUTE_KEY = 'ordervault:api-route';

/** A response that is not JSON (a stream of lines, Prometheus text, a file). */
export interface RawResponse {
  readonly contentType: string;
  readonly description: string;
}

/**
 * What the OpenAPI document says about a route, next to the route itself. `response` is the zod schema of the
 * JSON body (a view schema from the module's `*.schema.ts`, or an array or object of them), `null` for no body, or
 * a raw content type. Request parameters and bodies need nothing here: they come from the validators of the
 * route's DTO classes (`validator-properties.ts`).
 */
export interface ApiRouteSpec {
  readonly summary: string;
  readonly description?: string;
  /** The success status (default 200; 201 for a creation answered as created). */
  readonly status?: number;
  readonly response: z.ZodType | RawResponse | null;
  /** Other answers the route gives on purpose (besides the error responses every route may give). */
  readonly also?: Readonly<Record<number, { description: string; response?: z.ZodType }>>;
}

/** Documents a route (summary, success response schema); the document builder reads it. */
export const ApiRoute = (spec: ApiRouteSpec): MethodDecorator => SetMetadata(API_ROUTE_KEY, spec);

export const isZodSchema = (r: ApiRouteSpec['response']): r is z.ZodType => r instanceof z.ZodType;
