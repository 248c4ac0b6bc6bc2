import { ApiRoute } from '../../platform/http/openapi/api-route';
import { OffboardingResultSchema } from './offboarding-result.schema';
import { Body, Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { Actor, Permissions, RequirePermission, type ActorContext } from '../../auth';
import { MAX_OFFBOARDING_REASON, MAX_REQUESTED_BY, MAX_TICKET_REF } from './offboarding-request';
import { TenantOffboardingService, type OffboardingResult } from './tenant-offboarding.service';

class OffboardTenantBody {
  @ApiProperty({ description: 'who at the seller asked for the deletion (a person or role, not a buyer)' })
  @IsString()
  @Length(1, MAX_REQUESTED_BY)
  requestedBy: string;

  @ApiProperty({ description: 'why: the seller leaves, the contract ended, ...' })
  @IsString()
  @Length(1, MAX_OFFBOARDING_REASON)
  reason: string;

  @ApiPropertyOptional({ description: 'the support ticket that carries the request' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TICKET_REF)
  ticketRef?: string;

  @ApiPropertyOptional({
    description: 'offboard despite active legal holds (they are released and named on the certificate)',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

class TenantIdParam {
  @IsUUID()
  tenantId: string;
}

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantOffboardingController {
  constructor(private readonly offboarding: TenantOffboardingService) {}

  /**
   * Offboards a seller: revokes everything, destroys its keys, deletes its data, returns the signed deletion
   * certificate. Safe to repeat: a stopped run resumes; a finished one returns its certificate again.
   */
  @Delete(':tenantId')
  @HttpCode(200)
  @RequirePermission(Permissions.TENANTS_MANAGE)
  @ApiRoute({
    summary: 'Offboard a seller: revoke, destroy its keys, delete its data; answers the signed deletion certificate',
    response: OffboardingResultSchema,
  })
  offboard(
    @Actor() by: ActorContext,
    @Param() params: TenantIdParam,
    @Body() body: OffboardTenantBody,
  ): Promise<OffboardingResult> {
    return this.offboarding.offboard(by, params.tenantId, body);
  }
}
