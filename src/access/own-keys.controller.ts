import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { Actor, CurrentPrincipal, Permissions, RequirePermission, type ActorContext, type Principal } from '../auth';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { ApiKeyViewSchema, IssuedKeyViewSchema } from './api-key.schema';

class OwnKeyBody {
  @ApiProperty({ example: 'laptop' })
  @IsString()
  @Length(1, 100)
  label: string;
}

class OwnKeyParam {
  @Matches(/^[a-z2-9]{16}$/)
  keyId: string;
}

const staffIdOf = (p: Principal): string => {
  if (p.kind !== 'staff') throw new DomainError(ErrorCodes.FORBIDDEN, 'only staff members have keys of their own here');
  return p.id;
};

/**
 * A staff member's own keys: every member may add, rotate (e.g. the key an
 * admin handed over at enrolment) and revoke theirs, and nobody else's.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/me/keys')
export class OwnKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({ summary: 'The caller’s own keys (never their secrets)', response: z.array(ApiKeyViewSchema) })
  list(@CurrentPrincipal() p: Principal): Promise<ApiKeyView[]> {
    return this.keys.listForStaff(staffIdOf(p));
  }

  /** The response holds the key; it is shown this once. It expires no later than the calling key. */
  @Post()
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({
    summary: 'Issue the caller a new key carrying no more than the key that made it (shown once)',
    status: 201,
    response: IssuedKeyViewSchema,
  })
  create(@Actor() by: ActorContext, @Body() body: OwnKeyBody): Promise<IssuedKeyView> {
    return this.keys.createStaffKey(by, staffIdOf(by.actor), body.label);
  }

  @Post(':keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({
    summary: 'Rotate one of the caller’s keys (the new one shown once)',
    status: 201,
    response: IssuedKeyViewSchema,
  })
  rotate(@Actor() by: ActorContext, @Param() p: OwnKeyParam): Promise<IssuedKeyView> {
    return this.keys.rotate(by, { staffId: staffIdOf(by.actor) }, p.keyId);
  }

  @Delete(':keyId')
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({ summary: 'Revoke one of the caller’s keys', response: ApiKeyViewSchema })
  revoke(@Actor() by: ActorContext, @Param() p: OwnKeyParam): Promise<ApiKeyView> {
    return this.keys.revoke(by, { staffId: staffIdOf(by.actor) }, p.keyId);
  }
}
