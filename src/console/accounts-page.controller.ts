import { Body, Get, Header, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { ConsoleRoute, Permissions, PublicRoute, RequirePermission, TenantScope } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { AmazonOAuthService, CONSENT_OUTCOMES, EbayOAuthService, type ConsentOutcome } from '../connections/oauth';
import { isUuid } from '../platform/validation/uuid';
import { SyncHealthService } from '../sync/sync-health';
import { ConsoleController } from './console-controller';
import { CONSOLE_CSP } from './console-headers';
import { Page, pageContextOf, type PageContext } from './page-context';
import { TenantPageQuery } from './tenant-page-query';
import { withTenant } from './views/tenant-links';
import { HTML, renderPage } from './render';
import { AccountsPage, ConsentResultPage } from './views/accounts-page';

/** `a,b`, `a b` or repeated fields → ['a', 'b'] (a text box or hidden fields). */
const wordList = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [v],
  );

/** As GET /v1/connect/amazon/start's query. */
class ConnectAmazonForm {
  @IsIn(['na', 'eu', 'fe'])
  region: 'na' | 'eu' | 'fe';

  @Transform(wordList)
  @IsArray()
  @ArrayMinSize(1, { message: 'name at least one Amazon marketplace id' })
  @ArrayMaxSize(50)
  @Matches(/^[A-Z0-9]{10,16}$/, { each: true, message: 'marketplaceIds must be Amazon marketplace ids' })
  marketplaceIds: string[];
}

/** As GET /v1/connect/ebay/start's query. */
class ConnectEbayForm {
  @Matches(/^EBAY_[A-Z_]{2,8}$/, { message: 'marketplaceId must be an eBay marketplace id such as EBAY_DE' })
  marketplaceId: string;
}

const MARKETPLACES = ['amazon', 'ebay'] as const;

/** How a consent started here ended (the landing page passes it on); absent on an ordinary visit. */
class AccountsPageQuery extends TenantPageQuery {
  @IsOptional() @IsIn(CONSENT_OUTCOMES) consent?: ConsentOutcome;
  @IsOptional() @IsIn(MARKETPLACES) marketplace?: (typeof MARKETPLACES)[number];
  @IsOptional() @IsUUID() connection?: string;
}

/** A query value as a string when it is one of the allowed ones (the landing page is public: nothing else is used). */
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | null =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : null;

/**
 * The seller's marketplace accounts with their sync health (as GET /v1/sync/health), and the buttons that
 * start the marketplaces' consent flows (as GET /v1/connect/{amazon,ebay}/start): the form posts, the
 * browser is sent on to the consent URL. Same permission as the connections API.
 */
@ConsoleController('console/accounts')
export class AccountsPageController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: SyncHealthService,
    private readonly amazon: AmazonOAuthService,
    private readonly ebay: EbayOAuthService,
  ) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @Header('Content-Type', HTML)
  async page(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Query() q: AccountsPageQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    // The connect forms are answered with a redirect to the marketplace, and a browser checks every hop of a
    // form's redirects against this page's form-action: the two consent origins are allowed here, nowhere else.
    const consentOrigins = [this.config.amazon.sellerCentralUrl.origin, this.config.ebay.authUrl.origin];
    res.setHeader(
      'Content-Security-Policy',
      CONSOLE_CSP.replace("form-action 'self'", `form-action 'self' ${[...new Set(consentOrigins)].join(' ')}`),
    );
    const consent = q.consent
      ? { outcome: q.consent, marketplace: q.marketplace ?? 'marketplace', connectionId: q.connection ?? null }
      : undefined;
    return renderPage(h(AccountsPage, { ctx, accounts: await this.health.forTenant(tenantId), consent }));
  }

  /**
   * Where a consent started here comes back to (the API's callback sends the browser on with the outcome as a
   * code). Public and showing nothing of a seller: the session cookie does not come along on another site's
   * redirect, so this page forwards the browser to the accounts page from our own origin, where it does.
   */
  @Get('consent-result')
  @ConsoleRoute()
  @PublicRoute()
  @Header('Content-Type', HTML)
  consentResult(
    @Req() req: Request,
    @Query('outcome') outcome: unknown,
    @Query('marketplace') marketplace: unknown,
    @Query('tenant') tenant: unknown,
    @Query('connection') connection: unknown,
  ): string {
    const known = oneOf(outcome, CONSENT_OUTCOMES) ?? 'failed';
    const market = oneOf(marketplace, MARKETPLACES) ?? 'marketplace';
    const query = new URLSearchParams({
      consent: known,
      ...(market !== 'marketplace' ? { marketplace: market } : {}),
      ...(typeof connection === 'string' && isUuid(connection) ? { connection: connection.toLowerCase() } : {}),
    });
    const tenantId = typeof tenant === 'string' && isUuid(tenant) ? tenant.toLowerCase() : null;
    const next = withTenant(`/console/accounts?${query}`, tenantId);
    const ctx = pageContextOf(req as Parameters<typeof pageContextOf>[0]);
    return renderPage(h(ConsentResultPage, { ctx, outcome: known, marketplace: market, next }));
  }

  @Post('connect/amazon')
  @ConsoleRoute()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  async connectAmazon(
    @TenantScope() tenantId: string,
    @Body() body: ConnectAmazonForm,
    @Res() res: Response,
  ): Promise<void> {
    const consent = await this.amazon.start(tenantId, body.region, body.marketplaceIds, 'console');
    res.redirect(303, consent.consentUrl);
  }

  @Post('connect/ebay')
  @ConsoleRoute()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  async connectEbay(
    @TenantScope() tenantId: string,
    @Body() body: ConnectEbayForm,
    @Res() res: Response,
  ): Promise<void> {
    const consent = await this.ebay.start(tenantId, body.marketplaceId, 'console');
    res.redirect(303, consent.consentUrl);
  }
}
