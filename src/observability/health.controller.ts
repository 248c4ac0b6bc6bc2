import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { PublicRoute } from '../auth';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ description: 'process is alive' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: database reachable and every migration applied. */
  @Get('ready')
  @ApiOkResponse({ description: 'ready' })
  @ApiServiceUnavailableResponse({ description: 'not ready; body says which check failed' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    res.status(readiness.status === 'ok' ? 200 : 503);
    return readiness;
  }
}
