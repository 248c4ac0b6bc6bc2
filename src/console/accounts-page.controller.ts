import { Body, Get, Header, Inject, Post, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, Matches } from 'class-validator';
import type { Response } from 'express';
import { h } from 'preact';
import { ConsoleRoute, Permissions, RequirePermission, TenantScope } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { AmazonOAuthService, EbayOAuthService } from '../connections/oauth';
import { SyncHealthService } from '../sync/sync-health';
import { ConsoleController } from './console-controller';
import { CONSOLE_CSP } from './console-headers';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { AccountsPage } from './views/accounts-page';

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
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    // The connect forms are answered with a redirect to the marketplace, and a browser checks every hop of a
    // form's redirects against this page's form-action: the two consent origins are allowed here, nowhere else.
    const consentOrigins = [this.config.amazon.sellerCentralUrl.origin, this.config.ebay.authUrl.origin];
    res.setHeader(
      'Content-Security-Policy',
      CONSOLE_CSP.replace("form-action 'self'", `form-action 'self' ${[...new Set(consentOrigins)].join(' ')}`),
    );
    return renderPage(h(AccountsPage, { ctx, accounts: await this.health.forTenant(tenantId) }));
  }

  @Post('connect/amazon')
  @ConsoleRoute()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  async connectAmazon(
    @TenantScope() tenantId: string,
    @Body() body: ConnectAmazonForm,
    @Res() res: Response,
  ): Promise<void> {
    const consent = await this.amazon.start(tenantId, body.region, body.marketplaceIds);
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
    const consent = await this.ebay.start(tenantId, body.marketplaceId);
    res.redirect(303, consent.consentUrl);
  }
}
