import { Controller, Get, Header, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { PublicRoute } from '../../auth';
import { RawBody } from '../../platform/http/raw-body';
import { EbayAccountDeletionService } from './ebay-deletion.service';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import { EbayChallengeSchema } from './ebay-challenge.schema';

class ChallengeQuery {
  @ApiProperty({ description: 'the code eBay sends when the endpoint is saved in its developer portal' })
  @Matches(/^[\x21-\x7e]{1,256}$/, { message: 'challenge_code must be printable text of at most 256 characters' })
  challenge_code: string;
}

/**
 * eBay's Marketplace Account Deletion endpoint (the URL registered with eBay as EBAY_DELETION_ENDPOINT_URL).
 * Public: eBay does not authenticate to us; the GET proves the endpoint with the verification token and
 * every POST carries eBay's signature, which the service checks before anything is recorded.
 */
@ApiTags('marketplace notifications')
@Controller('v1/marketplace-notifications/ebay')
export class EbayNotificationsController {
  constructor(private readonly deletion: EbayAccountDeletionService) {}

  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'no-store')
  @ApiRoute({
    summary: 'eBay endpoint validation: challengeResponse = hex SHA-256(code + token + endpoint URL)',
    response: EbayChallengeSchema,
  })
  challenge(@Query() q: ChallengeQuery): { challengeResponse: string } {
    return this.deletion.challenge(q.challenge_code);
  }

  @Post()
  @PublicRoute()
  @HttpCode(204)
  @ApiHeader({ name: 'X-EBAY-SIGNATURE', required: true, description: 'base64 JSON {alg, kid, signature, digest}' })
  @ApiOperation({
    summary: 'MARKETPLACE_ACCOUNT_DELETION notification: verified, recorded, acknowledged; erasure runs after',
  })
  async notify(@RawBody() body: Buffer | null, @Headers('x-ebay-signature') signature?: string): Promise<void> {
    await this.deletion.receive(body, signature);
  }
}
