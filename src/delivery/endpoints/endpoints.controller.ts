import { z } from 'zod';
import { ApiRoute } from '../../platform/http/openapi/api-route';
import {
  EndpointDeletedSchema,
  EndpointViewSchema,
  EndpointWithSecretViewSchema,
  ReenabledEndpointViewSchema,
} from './endpoint.schema';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  Actor,
  CurrentPrincipal,
  Permissions,
  RequirePermission,
  TenantScope,
  type ActorContext,
  type Principal,
} from '../../auth';
import { SUBSCRIBABLE_EVENT_TYPES } from '../event-types';
import { MAX_DESCRIPTION_LENGTH, MAX_RATE_LIMIT } from './endpoint-input';
import { MAX_OVERLAP_SECONDS } from './endpoint-secrets';
import { PAYLOAD_MODES, type PayloadMode } from '../payload-modes';
import type { EndpointAudience, EndpointView, EndpointWithSecretView, ReenabledEndpointView } from './endpoint.mapper';
import { EndpointsService } from './endpoints.service';
import { MAX_URL_LENGTH } from '../outbound/target-guard';

class EndpointPatchBody {
  @ApiPropertyOptional({ description: 'https:// URL of the receiver (public hosts only)' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_EVENT_TYPES, description: 'empty: every order event' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SUBSCRIBABLE_EVENT_TYPES.length)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ enum: PAYLOAD_MODES })
  @IsOptional()
  @IsIn(PAYLOAD_MODES)
  payloadMode?: PayloadMode;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: MAX_RATE_LIMIT })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'sent with every request (stored sealed, never shown again); null removes them',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  staticHeaders?: Record<string, string> | null;

  @ApiPropertyOptional({ description: 'true: an Ed25519 key pair signs v1a too (public key shown); false: removes it' })
  @IsOptional()
  @IsBoolean()
  signingKeyPair?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    description: 'X25519 public key (base64, 32 bytes) that sealed payloads seal buyer data to',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Length(44, 44)
  sealingPublicKey?: string | null;
}

class CreateEndpointBody extends EndpointPatchBody {
  @ApiProperty({ description: 'https:// URL of the receiver (public hosts only)' })
  @IsString()
  @Length(1, MAX_URL_LENGTH)
  declare url: string;
}

class RotateSecretBody {
  @ApiPropertyOptional({ description: 'how long the previous secret keeps signing (default 24 h)', maximum: 604800 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_SECONDS)
  overlapSeconds?: number;
}

class EndpointIdParam {
  @IsUUID()
  endpointId: string;
}

const audienceOf = (p: Principal): EndpointAudience => (p.kind === 'staff' ? 'staff' : 'owner');

/**
 * A seller's webhook endpoints. Sellers manage them; support and admin staff
 * with the seller's grant may read them (never secrets or headers).
 */
@ApiTags('delivery')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  /** The response holds the signing secret; it is shown this once. */
  @Post()
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({
    summary: 'Create a webhook endpoint (its signing secret shown once)',
    status: 201,
    response: EndpointWithSecretViewSchema,
  })
  create(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: CreateEndpointBody,
  ): Promise<EndpointWithSecretView> {
    return this.endpoints.create(by, tenantId, body);
  }

  @Get()
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'List the seller’s webhook endpoints', response: z.array(EndpointViewSchema) })
  list(@CurrentPrincipal() p: Principal, @TenantScope() tenantId: string): Promise<EndpointView[]> {
    return this.endpoints.list(tenantId, audienceOf(p));
  }

  @Get(':endpointId')
  @RequirePermission(Permissions.ENDPOINTS_READ)
  @ApiRoute({ summary: 'One webhook endpoint', response: EndpointViewSchema })
  get(
    @CurrentPrincipal() p: Principal,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
  ): Promise<EndpointView> {
    return this.endpoints.get(tenantId, params.endpointId, audienceOf(p));
  }

  @Patch(':endpointId')
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({
    summary: 'Change an endpoint; enabling a disabled one reports what it missed',
    response: ReenabledEndpointViewSchema,
  })
  update(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() body: EndpointPatchBody,
  ): Promise<ReenabledEndpointView> {
    return this.endpoints.update(by, tenantId, params.endpointId, body);
  }

  @Delete(':endpointId')
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({ summary: 'Delete an endpoint (its secrets shredded)', response: EndpointDeletedSchema })
  remove(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
  ): Promise<{ endpointId: string; deleted: true }> {
    return this.endpoints.remove(by, tenantId, params.endpointId);
  }

  /** The response holds the new signing secret; it is shown this once. */
  @Post(':endpointId/rotate-secret')
  @HttpCode(201)
  @RequirePermission(Permissions.ENDPOINTS_MANAGE)
  @ApiRoute({
    summary: 'Rotate the signing secret (the new one shown once; the old one signs for the overlap)',
    status: 201,
    response: EndpointWithSecretViewSchema,
  })
  rotateSecret(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() params: EndpointIdParam,
    @Body() body: RotateSecretBody,
  ): Promise<EndpointWithSecretView> {
    return this.endpoints.rotateSecret(by, tenantId, params.endpointId, body.overlapSeconds);
  }
}
