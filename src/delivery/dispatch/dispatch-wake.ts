import { Injectable } from '@nestjs/common';

/**
 * Tells this process's dispatcher loop that work may be due now (a ping, a
 * retry, a notification that outbox events committed), instead of waiting for
 * its next poll. A wake with no loop running does nothing.
 */
@Injectable()
export class DispatchWake {
  private listener: (() => void) | null = null;

  onWake(listener: (() => void) | null): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }
}
