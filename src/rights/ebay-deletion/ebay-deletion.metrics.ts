import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '../../platform/metrics/metrics-registry';

/** How a notification was answered: acknowledged (new or a resend by eBay), or refused and why. */
export type NotificationOutcome = 'accepted' | 'resent' | 'malformed' | 'forged' | 'replayed' | 'unavailable';

/** eBay account deletion metrics (labels are outcomes only; never a username or an id). */
@Injectable()
export class EbayDeletionMetrics {
  readonly notifications: Counter<'outcome'>;
  readonly ordersErased: Counter<string>;

  constructor(registry: MetricsRegistry) {
    this.notifications = registry.counter({
      name: 'ordervault_ebay_deletion_notifications_total',
      help: 'eBay Marketplace Account Deletion notifications by outcome (accepted, resent, malformed, forged, replayed, unavailable)',
      labelNames: ['outcome'],
    });
    this.ordersErased = registry.counter({
      name: 'ordervault_ebay_deletion_orders_erased_total',
      help: 'Orders whose buyer data was erased for eBay account deletion notifications',
    });
  }
}
