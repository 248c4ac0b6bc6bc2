import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Actor, Permissions, RequirePermission, STAFF_ROLES, type ActorContext } from '../auth';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { StaffService, type StaffView } from './staff.service';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { ApiKeyViewSchema, IssuedKeyViewSchema } from './api-key.schema';
import { CreatedStaffSchema, StaffViewSchema } from './staff.schema';

class CreateStaffBody {
  @ApiProperty({ example: 'Dana Support' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: string;
}

class StaffIdParam {
  @IsUUID()
  staffId: string;
}

class StaffKeyParam extends StaffIdParam {
  @Matches(/^[a-z2-9]{16}$/)
  keyId: string;
}

class StaffKeyBody {
  @IsString()
  @Length(1, 100)
  label: string;
}

/** Staff members and their keys (admin only; an admin revokes anyone's key but mints only their own). */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly keys: ApiKeysService,
  ) {}

  /** Creates the member and their first key; the response holds the key, shown this once. */
  @Post()
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({
    summary: 'Add a named staff member with a role and a first key (shown once)',
    status: 201,
    response: CreatedStaffSchema,
  })
  create(@Actor() by: ActorContext, @Body() body: CreateStaffBody): Promise<{ staff: StaffView; key: IssuedKeyView }> {
    return this.staff.create(by, body.name, body.role);
  }

  @Get()
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({ summary: 'Our staff members', response: z.array(StaffViewSchema) })
  list(): Promise<StaffView[]> {
    return this.staff.list();
  }

  /** Only for the calling member themselves (a person's keys are theirs); anyone else gets 403. */
  @Post(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({ summary: 'Issue another key to a staff member (shown once)', status: 201, response: IssuedKeyViewSchema })
  addKey(@Actor() by: ActorContext, @Param() p: StaffIdParam, @Body() body: StaffKeyBody): Promise<IssuedKeyView> {
    return this.keys.createStaffKey(by, p.staffId, body.label);
  }

  @Get(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({ summary: 'A staff member’s keys (never their secrets)', response: z.array(ApiKeyViewSchema) })
  listKeys(@Param() p: StaffIdParam): Promise<ApiKeyView[]> {
    return this.keys.listForStaff(p.staffId);
  }

  @Delete(':staffId/keys/:keyId')
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({ summary: 'Revoke a staff member’s key', response: ApiKeyViewSchema })
  revokeKey(@Actor() by: ActorContext, @Param() p: StaffKeyParam): Promise<ApiKeyView> {
    return this.keys.revoke(by, { staffId: p.staffId }, p.keyId);
  }

  /** Only for the calling member's own keys, like creation. */
  @Post(':staffId/keys/:keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.STAFF_MANAGE)
  @ApiRoute({
    summary: 'Rotate a staff member’s key (the new one shown once; the old one revoked)',
    status: 201,
    response: IssuedKeyViewSchema,
  })
  rotateKey(@Actor() by: ActorContext, @Param() p: StaffKeyParam): Promise<IssuedKeyView> {
    return this.keys.rotate(by, { staffId: p.staffId }, p.keyId);
  }
}
