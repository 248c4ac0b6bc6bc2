import {
  Controller,
  Get,
  HttpCode,
  Injectable,
  Query,
  Res,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { Permissions, PublicRoute, RequestId, RequirePermission, systemActor, TenantScope } from '../../auth';
import type { ConnectionView } from '../connection.mapper';
import { AmazonOAuthService, type ConsentStart } from './amazon-oauth.service';
import { EbayOAuthService } from './ebay-oauth.service';
import { commaList } from '../../platform/validation/comma-list';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { ConnectionViewSchema } from '../connection.schema';
import { ConsentStartSchema } from './consent.schema';
import { consentFailure, consentResultUrl } from './consent-outcome';
import { OAuthStateService, type OAuthMarketplace } from './oauth-state';
import { DomainError } from '../../platform/errors/domain-error';

/** Callbacks are public: the seller's consent arrives through the marketplace's redirect, the signed state names the tenant. */
const oauthCallbackActor = (marketplace: 'amazon' | 'ebay', requestId: string | null) =>
  systemActor(`oauth-callback:${marketplace}`, requestId);

/** `a,b` or repeated `?x=a&x=b` → ['a', 'b']. */

class AmazonStartQuery {
  @ApiProperty({ enum: ['na', 'eu', 'fe'], description: 'SP-API region; one consent covers its marketplaces' })
  @IsIn(['na', 'eu', 'fe'])
  region: 'na' | 'eu' | 'fe';

  @ApiProperty({
    description: 'comma-separated Amazon marketplace ids to sync',
    example: 'A1PA6795UKMFR9,A13V1IB3VIYZZH',
  })
  @Transform(commaList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[A-Z0-9]{10,16}$/, { each: true, message: 'marketplaceIds must be Amazon marketplace ids' })
  marketplaceIds: string[];
}

class EbayStartQuery {
  @ApiProperty({ example: 'EBAY_DE' })
  @Matches(/^EBAY_[A-Z_]{2,8}$/, { message: 'marketplaceId must be an eBay marketplace id such as EBAY_DE' })
  marketplaceId: string;
}

/** Everything Amazon may append to the redirect URI; unknown parameters are refused like anywhere else. */
class AmazonCallbackQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  state?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,128}$/, { message: 'selling_partner_id is malformed' })
  selling_partner_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  spapi_oauth_code?: string;

  @ApiPropertyOptional({ description: 'sent for apps that also had MWS access; ignored' })
  @IsOptional()
  @IsString()
  @Length(0, 2048)
  mws_auth_token?: string;

  @ApiPropertyOptional({ description: 'set when the seller did not consent' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  error?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  error_description?: string;
}

/** What eBay appends to the RuName's accept URL (`code`, `expires_in`, `state`) or decline URL. */
class EbayCallbackQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  state?: string;

  @ApiPropertyOptional({ description: 'authorization code (≤ 1024 characters per eBay)' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,7}$/, { message: 'expires_in must be a number of seconds' })
  expires_in?: string;

  @ApiPropertyOptional({ description: 'set when the seller did not consent' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  error?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  error_description?: string;
}

/**
 * Consent URLs carry the signed state and callbacks carry authorisation codes:
 * neither may be cached or leak to a third party through the Referer header
 * (SP-API guide: `Referrer-Policy: no-referrer`). Set before validation, so
 * error answers carry them too.
 */
@Injectable()
class NoStoreNoReferrer implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return next.handle();
  }
}

@ApiTags('connections')
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only; start routes)' })
@UseInterceptors(NoStoreNoReferrer)
@Controller('v1/connect')
export class OAuthConnectController {
  constructor(
    private readonly amazon: AmazonOAuthService,
    private readonly ebay: EbayOAuthService,
    private readonly states: OAuthStateService,
  ) {}

  @Get('amazon/start')
  @ApiBearerAuth()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({
    summary: 'Amazon consent URL for the seller (website authorisation workflow)',
    response: ConsentStartSchema,
  })
  amazonStart(@TenantScope() tenantId: string, @Query() q: AmazonStartQuery): Promise<ConsentStart> {
    return this.amazon.start(tenantId, q.region, q.marketplaceIds);
  }

  /** Amazon redirects the seller's browser here; the signed state names the tenant. */
  @Get('amazon/callback')
  @HttpCode(201)
  @PublicRoute()
  @ApiRoute({
    summary:
      'Amazon redirect target: exchanges the code and stores the connection (started in the console: 303 to its accounts page)',
    status: 201,
    response: ConnectionViewSchema,
  })
  amazonCallback(
    @RequestId() requestId: string | null,
    @Query() q: AmazonCallbackQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer(res, 'amazon', q, () => this.amazon.complete(oauthCallbackActor('amazon', requestId), q));
  }

  @Get('ebay/start')
  @ApiBearerAuth()
  @RequirePermission(Permissions.CONNECTIONS_MANAGE)
  @ApiRoute({ summary: 'eBay consent URL for the seller (authorization code grant)', response: ConsentStartSchema })
  ebayStart(@TenantScope() tenantId: string, @Query() q: EbayStartQuery): Promise<ConsentStart> {
    return this.ebay.start(tenantId, q.marketplaceId);
  }

  /** The RuName's accept URL points here; the signed state names the tenant. */
  @Get('ebay/callback')
  @HttpCode(201)
  @PublicRoute()
  @ApiRoute({
    summary:
      'eBay redirect target: exchanges the code, identifies the seller, stores the connection (started in the console: 303 to its accounts page)',
    status: 201,
    response: ConnectionViewSchema,
  })
  ebayCallback(
    @RequestId() requestId: string | null,
    @Query() q: EbayCallbackQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer(res, 'ebay', q, () => this.ebay.complete(oauthCallbackActor('ebay', requestId), q));
  }

  /**
   * A flow started by a client answers with the connection (201) or the error, as JSON. A flow started in the
   * console sends the browser on (303) to the console's landing page with the outcome as a code: the person sees
   * what happened in words instead of a JSON body, and nothing of the error's text travels in the URL.
   */
  private async answer(
    res: Response,
    marketplace: OAuthMarketplace,
    q: { state?: string; error?: string },
    complete: () => Promise<ConnectionView>,
  ): Promise<void> {
    const { landing, tenantId } = this.states.landingOf(q.state, marketplace);
    if (landing === 'api') {
      res.status(201).json(await complete());
      return;
    }
    try {
      const connection = await complete();
      res.redirect(303, consentResultUrl(marketplace, 'connected', tenantId, connection.connectionId));
    } catch (err) {
      // Anything but a domain error is a fault of ours: the error filter answers and logs it as always.
      if (!(err instanceof DomainError)) throw err;
      res.redirect(303, consentResultUrl(marketplace, consentFailure(err, Boolean(q.error)), tenantId));
    }
  }
}
