import { Module, type DynamicModule, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, type AppOptions } from '../../../src/app.module';
import { AuditModule } from '../../../src/audit';
import { AppLogger } from '../../../src/platform';
import { DomainErrorFilter } from '../../../src/platform/http/domain-error.filter';
import { requestIdMiddleware } from '../../../src/platform/http/request-id.middleware';
import { validationPipe } from '../../../src/platform/http/validation';

/**
 * The application with AuditModule added, for tests written before the lead wires AuditModule into AppModule
 * (importing it twice once that happens is harmless: Nest keeps one instance per module).
 */
@Module({})
class AuditTestRoot {
  static forRoot(options: AppOptions): DynamicModule {
    return { module: AuditTestRoot, imports: [AppModule.forRoot(options), AuditModule] };
  }
}

export async function createAuditHttpApp(options: AppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(AuditTestRoot.forRoot(options), { logger: false, abortOnError: false });
  app.use(requestIdMiddleware);
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new DomainErrorFilter(app.get(AppLogger)));
  await app.init();
  return app;
}

export function createAuditAppContext(options: AppOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(AuditTestRoot.forRoot(options), { logger: false, abortOnError: false });
}
