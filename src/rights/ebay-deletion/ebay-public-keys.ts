import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { EbayNotificationKeyClient, MarketplaceError } from '../../marketplaces';
import { Clock } from '../../platform/clock/clock';
import { DomainError, ErrorCodes } from '../../platform/errors/domain-error';
import { AppLogger } from '../../platform/logging/app-logger';
import { NotificationRefused, publicKeyFromEbay } from './ebay-notification';

/** eBay recommends caching a key about an hour (reference §3.4 step 2). */
const KEY_TTL_MS = 60 * 60_000;
/** A kid eBay does not know is not asked about again for this long (forged headers cannot spend our quota). */
const UNKNOWN_KID_TTL_MS = 10 * 60_000;
/** Bounds the cache, so headers with ever new kids cannot grow it without limit. */
const MAX_ENTRIES = 200;

type Entry = { readonly key: KeyObject | null; readonly until: number };

/**
 * eBay's notification signing keys by kid, fetched with getPublicKey (application token) and cached. Unknown
 * kids are cached as unknown for a while. A fetch that fails for another reason (eBay down, throttled, our app
 * credentials refused) is `unavailable`: the notification is not acknowledged, so eBay sends it again.
 */
@Injectable()
export class EbayPublicKeys {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly client: EbayNotificationKeyClient,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  async keyFor(kid: string): Promise<KeyObject> {
    const now = this.clock.nowMs();
    let entry = this.cache.get(kid);
    if (!entry || entry.until <= now) {
      let pending = this.inFlight.get(kid);
      if (!pending) {
        pending = this.fetch(kid).finally(() => this.inFlight.delete(kid));
        this.inFlight.set(kid, pending);
      }
      entry = await pending;
    }
    if (!entry.key) throw new NotificationRefused('forged', 'the signature names a key eBay does not know');
    return entry.key;
  }

  private async fetch(kid: string): Promise<Entry> {
    let entry: Entry;
    try {
      const served = await this.client.getPublicKey(kid);
      if (served.algorithm.toUpperCase() !== 'ECDSA' || served.digest.toUpperCase() !== 'SHA1') {
        throw new DomainError(ErrorCodes.UNAVAILABLE, 'eBay served a key for another algorithm');
      }
      entry = { key: publicKeyFromEbay(served.key), until: this.clock.nowMs() + KEY_TTL_MS };
    } catch (err) {
      if (err instanceof MarketplaceError && err.kind === 'not_found') {
        entry = { key: null, until: this.clock.nowMs() + UNKNOWN_KID_TTL_MS };
      } else {
        const code = err instanceof MarketplaceError ? err.marketplaceCode : 'unreadable_key';
        this.logger.warn('eBay notification key could not be fetched', { code });
        throw new DomainError(
          ErrorCodes.UNAVAILABLE,
          'eBay notification signing key unavailable; the notification is not acknowledged and will be sent again',
        );
      }
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(kid, entry);
    return entry;
  }
}
