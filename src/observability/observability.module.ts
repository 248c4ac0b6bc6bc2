import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsController } from './metrics.controller';

/** Liveness, readiness and the Prometheus endpoint. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [HealthService],
})
export class ObservabilityModule {}
