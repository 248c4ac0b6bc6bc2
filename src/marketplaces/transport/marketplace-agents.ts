import type { AppConfig } from '../../config';
import { HostRoutingAgent, routeTable } from './host-routing-agent';

/**
 * The HTTPS agents the marketplace clients use. Without overrides they connect
 * to the real hosts; with AMAZON_*_ENDPOINT / EBAY_*_ENDPOINT they connect to a
 * sandbox or simulator while keeping the real host names for TLS verification.
 */
export function amazonAgent(config: AppConfig): HostRoutingAgent {
  return new HostRoutingAgent(
    routeTable([
      ['api.amazon.com', config.amazon.lwaEndpoint],
      ['*.amazon.com', config.amazon.spapiEndpoint],
    ]),
    { extraCaPem: config.extraCaPem },
  );
}

export function ebayAgent(config: AppConfig): HostRoutingAgent {
  // The identity endpoint lives on api.ebay.com too (path /identity/...), so a
  // separate identity override only applies when the API host is not overridden.
  return new HostRoutingAgent(
    routeTable([
      ['api.ebay.com', config.ebay.apiEndpoint ?? config.ebay.identityEndpoint],
      ['apiz.ebay.com', config.ebay.apiEndpoint],
      ['api.sandbox.ebay.com', config.ebay.apiEndpoint ?? config.ebay.identityEndpoint],
    ]),
    { extraCaPem: config.extraCaPem },
  );
}
