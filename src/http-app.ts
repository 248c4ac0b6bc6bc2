import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppOptions } from './app.module';
import { AppLogger } from './platform/logging/app-logger';
import { DomainErrorFilter } from './platform/http/domain-error.filter';
import { requestIdMiddleware } from './platform/http/request-id.middleware';
import { validationPipe } from './platform/http/validation';

/**
 * Builds the HTTP application exactly as production runs it (error filter,
 * validation, request ids, OpenAPI at /docs). Tests call this too.
 */
export async function createHttpApp(options: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(options), { bufferLogs: true, abortOnError: false });
  return configureHttpApp(app);
}

/** The HTTP pipeline around the application module (also used by tools that build the module themselves). */
export function configureHttpApp(app: INestApplication): INestApplication {
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.use(requestIdMiddleware);
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new DomainErrorFilter(logger));
  app.enableShutdownHooks();
  const httpAdapter = app.getHttpAdapter().getInstance();
  httpAdapter.disable('x-powered-by');
  httpAdapter.set('trust proxy', false);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('ordervault')
      .setDescription('Marketplace orders with sealed buyer data, forwarded by signed webhook.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
