import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { PublicRoute } from '../auth';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { LivenessSchema, ReadinessSchema } from './health.schema';
import type { Response } from 'express';
import { HealthService, type Readiness } from './health.service';

@ApiTags('operations')
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up (no dependencies checked: a failing database must not restart us). */
  @Get('live')
  @HttpCode(200)
  @ApiRoute({ summary: 'Liveness: the process is up', response: LivenessSchema })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: database reachable and every migration applied. */
  @Get('ready')
  @ApiRoute({
    summary: 'Readiness: database reachable, migrations applied',
    response: ReadinessSchema,
    also: { 503: { description: 'not ready; the body says which check failed', response: ReadinessSchema } },
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    res.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }
}
