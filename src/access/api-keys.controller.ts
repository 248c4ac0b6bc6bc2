import { IsInstant } from '../platform/validation/instant';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Actor, Permissions, RequirePermission, SELLER_SCOPES, TenantScope, type ActorContext } from '../auth';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { ApiKeyViewSchema, IssuedKeyViewSchema } from './api-key.schema';
import { z } from 'zod';

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
  @IsInstant()
  expiresAt?: Date;
}

export class KeyIdParam {
  @Matches(/^[a-z2-9]{16}$/)
  keyId: string;
}

/**
 * A seller's API keys. A seller key with keys:manage mints and rotates keys of its own tenant within its own scopes
 * and lifetime; an admin may list and revoke them (incident response) but never mint or rotate one.
 */
@ApiTags('access')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The response holds the key; it is shown this once. */
  @Post()
  @RequirePermission(Permissions.KEYS_MANAGE)
  @ApiRoute({ summary: 'Create a seller API key (shown once)', status: 201, response: IssuedKeyViewSchema })
  create(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: CreateKeyBody,
  ): Promise<IssuedKeyView> {
    return this.keys.createSellerKey(by, tenantId, body);
  }

  @Get()
  @RequirePermission(Permissions.KEYS_MANAGE)
  @ApiRoute({ summary: 'List the seller’s API keys', response: z.array(ApiKeyViewSchema) })
  list(@TenantScope() tenantId: string): Promise<ApiKeyView[]> {
    return this.keys.listForTenant(tenantId);
  }

  @Delete(':keyId')
  @RequirePermission(Permissions.KEYS_MANAGE)
  @ApiRoute({ summary: 'Revoke a seller API key', response: ApiKeyViewSchema })
  revoke(@Actor() by: ActorContext, @TenantScope() tenantId: string, @Param() p: KeyIdParam): Promise<ApiKeyView> {
    return this.keys.revoke(by, { tenantId }, p.keyId);
  }

  @Post(':keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.KEYS_MANAGE)
  @ApiRoute({ summary: 'Rotate a seller API key (new key shown once)', status: 201, response: IssuedKeyViewSchema })
  rotate(@Actor() by: ActorContext, @TenantScope() tenantId: string, @Param() p: KeyIdParam): Promise<IssuedKeyView> {
    return this.keys.rotate(by, { tenantId }, p.keyId);
  }
}
