import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { CurrentPrincipal, RequestId, TenantScope } from './current-principal.decorator';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { Permissions, RequirePermission, SELLER_SCOPES } from './permissions';
import type { Principal } from './principal';

class CreateKeyBody {
  @ApiProperty({ example: 'ERP integration' })
  @IsString()
  @Length(1, 100)
  label: string;

  @ApiProperty({ type: [String], enum: SELLER_SCOPES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SELLER_SCOPES.length)
  @IsIn(SELLER_SCOPES, { each: true })
  scopes: string[];

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;
}

export class KeyIdParam {
  @Matches(/^[a-z2-9]{16}$/)
  keyId: string;
}

/** A seller's API keys (a seller with keys:manage for its own tenant; an admin when onboarding a tenant). */
@ApiTags('access')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The response holds the key; it is shown this once. */
  @Post()
  @RequirePermission(Permissions.KEYS_MANAGE)
  create(
    @CurrentPrincipal() actor: Principal,
    @TenantScope() tenantId: string,
    @RequestId() requestId: string,
    @Body() body: CreateKeyBody,
  ): Promise<IssuedKeyView> {
    return this.keys.createSellerKey({ actor, requestId }, tenantId, body);
  }

  @Get()
  @RequirePermission(Permissions.KEYS_MANAGE)
  list(@TenantScope() tenantId: string): Promise<ApiKeyView[]> {
    return this.keys.listForTenant(tenantId);
  }

  @Delete(':keyId')
  @RequirePermission(Permissions.KEYS_MANAGE)
  revoke(
    @CurrentPrincipal() actor: Principal,
    @TenantScope() tenantId: string,
    @RequestId() requestId: string,
    @Param() p: KeyIdParam,
  ): Promise<ApiKeyView> {
    return this.keys.revoke({ actor, requestId }, { tenantId }, p.keyId);
  }

  @Post(':keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.KEYS_MANAGE)
  rotate(
    @CurrentPrincipal() actor: Principal,
    @TenantScope() tenantId: string,
    @RequestId() requestId: string,
    @Param() p: KeyIdParam,
  ): Promise<IssuedKeyView> {
    return this.keys.rotate({ actor, requestId }, { tenantId }, p.keyId);
  }
}
