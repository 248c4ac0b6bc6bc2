import { Inject, Injectable } from '@nestjs/common';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { APP_CONFIG, type AppConfig } from '../../config';
import { validationFailed } from '../../platform/errors/domain-error';
import { HostResolver, type ResolvedAddress } from './host-resolver';
import { blockedRangeOf, type BlockedRangeKind } from './ip-ranges';

export const MAX_URL_LENGTH = 2048;

/** Raised at connect time when a receiver's name resolves where webhooks may not go. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_WEBHOOK_BLOCKED_ADDRESS';
  constructor(readonly kind: BlockedRangeKind | 'unresolvable') {
    super(`webhook receiver resolves to a ${kind.replace('_', ' ')} address`);
    this.name = 'BlockedAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Keeps the webhook client from becoming a way into our own network. A target
 * must be HTTPS and resolve only to public addresses, checked when an endpoint
 * is saved and again when a connection is opened: the agents' `lookup` resolves,
 * checks every address and hands the checked address to the socket, so there is
 * no second resolution a rebinding DNS server could answer differently.
 * `WEBHOOK_ALLOW_PRIVATE_NETWORKS` (never in production) lifts both rules.
 */
@Injectable()
export class WebhookTargetGuard {
  readonly allowPrivateNetworks: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly resolver: HostResolver,
  ) {
    this.allowPrivateNetworks = config.delivery.allowPrivateNetworks;
  }

  /** Parses and checks a URL's shape (no resolution). Messages name the rule, never the URL. */
  parse(raw: string): URL {
    const issue = (text: string) => validationFailed('invalid endpoint URL', [{ field: 'url', issue: text }]);
    if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) throw issue(`at most ${MAX_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw issue('not an absolute URL');
    }
    if (url.protocol !== 'https:' && !(this.allowPrivateNetworks && url.protocol === 'http:')) {
      throw issue('must use https://');
    }
    if (url.username || url.password) throw issue('must not carry credentials (use a static header)');
    if (url.hash) throw issue('must not have a fragment');
    if (!url.hostname) throw issue('must name a host');
    return url;
  }

  /** Resolves the host now and refuses it unless every address is public. */
  async check(url: URL): Promise<void> {
    if (this.allowPrivateNetworks) return;
    const host = hostOf(url);
    let addresses: readonly ResolvedAddress[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolver.resolve(host);
      } catch {
        addresses = [];
      }
    }
    if (!addresses.length) {
      throw validationFailed('invalid endpoint URL', [{ field: 'url', issue: 'host name does not resolve' }]);
    }
    const blocked = firstBlocked(addresses);
    if (blocked) {
      throw validationFailed('invalid endpoint URL', [
        { field: 'url', issue: `resolves to a ${blocked.replace('_', ' ')} address; webhooks go to public hosts only` },
      ]);
    }
  }

  /**
   * Checks an IP-literal host before a send (Node connects to literals without
   * calling `lookup`, so the agents' check would not run for them).
   */
  assertLiteralAllowed(url: URL): void {
    if (this.allowPrivateNetworks) return;
    const host = hostOf(url);
    if (!isIP(host)) return;
    const kind = blockedRangeOf(host);
    if (kind) throw new BlockedAddressError(kind);
  }

  /** A `lookup` for http(s) agents: resolve, refuse if any address is not public, connect to what was checked. */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    this.resolver.resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = family ? found.filter((a) => a.family === family) : [...found];
        if (!usable.length) return callback(new BlockedAddressError('unresolvable'), '', 0);
        const blocked = this.allowPrivateNetworks ? null : firstBlocked(found);
        if (blocked) return callback(new BlockedAddressError(blocked), '', 0);
        if (options.all)
          return callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

function firstBlocked(addresses: readonly ResolvedAddress[]): BlockedRangeKind | null {
  for (const a of addresses) {
    const kind = blockedRangeOf(a.address);
    if (kind) return kind;
  }
  return null;
}
