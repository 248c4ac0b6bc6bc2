import { MarketplaceError } from '../../marketplaces/marketplace-error';
import { DomainError, ErrorCodes } from '../../platform/errors/domain-error';
import type { OAuthMarketplace } from './oauth-state';

/** How a consent that started in the console ended, as the console's landing page says it (a code, never text). */
export const CONSENT_OUTCOMES = [
  'connected',
  'declined',
  'link_expired',
  'code_rejected',
  'not_configured',
  'marketplace_unavailable',
  'failed',
] as const;
export type ConsentOutcome = (typeof CONSENT_OUTCOMES)[number];

/** The console page a browser lands on after the marketplace's redirect (it needs no session: see there). */
export const CONSOLE_CONSENT_RESULT_PATH = '/console/accounts/consent-result';

/** What went wrong, in one of the outcome codes: the page's words come from the code, never from the error. */
export function consentFailure(err: DomainError, declined: boolean): ConsentOutcome {
  if (declined) return 'declined';
  if (err instanceof MarketplaceError) return 'marketplace_unavailable';
  if (err.code === ErrorCodes.PRECONDITION_FAILED) return 'not_configured';
  const field = err.details[0]?.field;
  if (field === 'state') return 'link_expired';
  if (field === 'code' || field === 'spapi_oauth_code') return 'code_rejected';
  return 'failed';
}

/** The console's landing page for this outcome (the tenant named so a staff member lands on that seller's page). */
export function consentResultUrl(
  marketplace: OAuthMarketplace,
  outcome: ConsentOutcome,
  tenantId: string | null,
  connectionId?: string,
): string {
  const q = new URLSearchParams({
    marketplace,
    outcome,
    ...(tenantId ? { tenant: tenantId } : {}),
    ...(connectionId ? { connection: connectionId } : {}),
  });
  return `${CONSOLE_CONSENT_RESULT_PATH}?${q}`;
}
