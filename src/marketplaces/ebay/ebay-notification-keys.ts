import { Injectable } from '@nestjs/common';
import type eBayApi from 'ebay-api';
import { MarketplaceError } from '../marketplace-error';
import { readWithStaleSocketRetry } from '../transport/stale-socket';
import { EbayClientFactory } from './ebay-client.factory';
import { ebayError } from './ebay-errors';

/** A public key as the Notification API's getPublicKey serves it (the PEM on one line, as eBay sends it). */
export interface EbayNotificationKey {
  readonly algorithm: string;
  readonly digest: string;
  readonly key: string;
}

/**
 * eBay's Notification API getPublicKey through the real `ebay-api` client, on the same HTTPS agent as every
 * other eBay call, with an application token (client-credentials grant, scope `api_scope`). One client for
 * the process: its application token is minted on first use and again after a 401.
 */
@Injectable()
export class EbayNotificationKeyClient {
  private client: eBayApi | undefined;

  constructor(private readonly factory: EbayClientFactory) {}

  /** The key for `kid`; a MarketplaceError `not_found` when eBay does not know the kid (404, errorId 195001). */
  async getPublicKey(kid: string): Promise<EbayNotificationKey> {
    this.client ??= this.factory.createAppClient();
    const api = this.client;
    let res: unknown;
    try {
      res = await readWithStaleSocketRetry(() => api.commerce.notification.getPublicKey(kid));
    } catch (err) {
      throw ebayError(err, false);
    }
    const body = res as { algorithm?: unknown; digest?: unknown; key?: unknown } | null;
    if (typeof body?.key !== 'string' || typeof body.algorithm !== 'string' || typeof body.digest !== 'string') {
      throw new MarketplaceError('bad_data', 'bad_public_key', 'getPublicKey answered without a key');
    }
    return { algorithm: body.algorithm, digest: body.digest, key: body.key };
  }
}
