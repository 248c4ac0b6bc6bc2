import { Controller, Get, Res } from '@nestjs/common';
import { PublicRoute } from '../auth';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsRegistry } from '../platform/metrics/metrics-registry';

@ApiTags('operations')
@PublicRoute()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @ApiOkResponse({ description: 'Prometheus text exposition' })
  async render(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(await this.metrics.render());
  }
}
