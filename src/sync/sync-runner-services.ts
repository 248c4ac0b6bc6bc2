import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { JobQueue } from '../platform/jobs/job-queue';
import { AppLogger } from '../platform/logging/app-logger';
import { SyncMetrics } from './sync-metrics';

/** Infrastructure the runner uses, grouped so the runner's own dependencies stay few. */
@Injectable()
export class SyncRunnerServices {
  constructor(
    readonly clock: Clock,
    readonly logger: AppLogger,
    readonly jobs: JobQueue,
    readonly metrics: SyncMetrics,
  ) {}
}
