import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppOptions } from './app.module';
import { PUBLIC_KEY } from './auth';
import { APP_CONFIG, type AppConfig } from './config';
import { AppLogger } from './platform/logging/app-logger';
import { DomainErrorFilter } from './platform/http/domain-error.filter';
import { buildOpenApiDocument } from './platform/http/openapi/openapi-document';
import { jsonBodyMiddleware } from './platform/http/json-body.middleware';
import { requestIdMiddleware } from './platform/http/request-id.middleware';
import { RequestShapePipe } from './platform/http/request-shape.pipe';
import { validationPipe } from './platform/http/validation';
import { PRODUCT_VERSION } from './version';

/**
 * Builds the HTTP application exactly as production runs it (error filter,
 * validation, request ids, OpenAPI at /docs). Tests call this too.
 */
export async function createHttpApp(
  options: AppOptions,
  http: { shutdownHooks?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(options), {
    bufferLogs: true,
    abortOnError: false,
    // Our own parser (jsonBodyMiddleware): a malformed body reaches the guard and the route instead of ending the request.
    bodyParser: false,
  });
  return configureHttpApp(app, http);
}

/** The HTTP pipeline around the application module (also used by tools that build the module themselves). */
/**
 * `shutdownHooks: false` leaves SIGTERM/SIGINT to the caller (the service's main, which logs the stop and
 * exits 0 once `app.close()` has run every hook); by default Nest closes the app on them.
 */
export function configureHttpApp(app: INestApplication, http: { shutdownHooks?: boolean } = {}): INestApplication {
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.use(requestIdMiddleware);
  app.use(jsonBodyMiddleware);
  // Shape first (depth, clean text), then the DTOs: no DTO or query ever sees a NUL byte or a 5,000-deep array.
  app.useGlobalPipes(new RequestShapePipe(), validationPipe);
  app.useGlobalFilters(new DomainErrorFilter(logger));
  if (http.shutdownHooks !== false) app.enableShutdownHooks();
  const httpAdapter = app.getHttpAdapter().getInstance();
  httpAdapter.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies named in TRUST_PROXY; otherwise the client is the socket's peer.
  const { trustProxy } = app.get<AppConfig>(APP_CONFIG);
  httpAdapter.set('trust proxy', trustProxy.length ? [...trustProxy] : false);

  const document = buildOpenApiDocument(app, {
    version: PRODUCT_VERSION,
    isPublic: (handler, controller) =>
      Boolean(Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller)),
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
