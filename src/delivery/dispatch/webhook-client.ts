import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { Clock } from '../../platform/clock/clock';
import { WebhookTargetGuard } from '../outbound/target-guard';
import { createWebhookAgents, type WebhookAgents } from '../outbound/webhook-agents';
import { WebhookSender, type SendOutcome, type WebhookRequest } from './webhook-sender';

/** The process's webhook HTTP client: guarded keep-alive agents and the sender over them. */
@Injectable()
export class WebhookClient implements OnModuleDestroy {
  private readonly agents: WebhookAgents;
  private readonly sender: WebhookSender;

  constructor(guard: WebhookTargetGuard, @Inject(APP_CONFIG) config: AppConfig, clock: Clock) {
    this.agents = createWebhookAgents(guard, {
      // Kept open between bursts: up to what one dispatcher may have on the wire at once.
      maxIdleSocketsPerOrigin: config.delivery.lanes * config.delivery.batchSize,
      extraCaPem: config.extraCaPem,
    });
    this.sender = new WebhookSender(guard, this.agents, config.delivery.timeoutMs, () => clock.now());
  }

  send(req: WebhookRequest): Promise<SendOutcome> {
    return this.sender.send(req);
  }

  onModuleDestroy(): void {
    this.agents.destroy();
  }
}
