import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../platform/http/openapi/api-route';
import type { Request, Response } from 'express';
import { timingSafeEqual, createHash } from 'node:crypto';
import { PublicRoute } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { DomainError, ErrorCodes, notFound } from '../platform/errors/domain-error';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';

/**
 * Prometheus metrics on the API port. They name tenants and connections, so
 * they are not for everyone: with METRICS_TOKEN set, only a caller presenting
 * it as a bearer token reads them; without one, development serves them
 * openly while production (or a service given METRICS_PORT, which serves them
 * on their own listener) answers 404 here.
 */
@ApiTags('operations')
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | null;

  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokenDigest = config.metrics.token ? digest(config.metrics.token) : null;
  }

  @Get()
  @ApiRoute({
    summary: 'Prometheus metrics',
    description: 'Bearer METRICS_TOKEN when configured; absent in production without a token or with METRICS_PORT.',
    response: { contentType: 'text/plain', description: 'Prometheus text exposition' },
  })
  async render(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.tokenDigest) {
      const presented = /^bearer\s+(.+)$/i.exec(req.header('authorization') ?? '')?.[1]?.trim() ?? '';
      if (!timingSafeEqual(digest(presented), this.tokenDigest)) {
        throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'metrics need the configured bearer token');
      }
    } else if (this.config.env === 'production' || this.config.metrics.port) {
      throw notFound('route');
    }
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.render());
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();
