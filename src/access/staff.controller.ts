import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { Actor, Permissions, RequirePermission, STAFF_ROLES, type ActorContext } from '../auth';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { StaffService, type StaffView } from './staff.service';

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
  create(@Actor() by: ActorContext, @Body() body: CreateStaffBody): Promise<{ staff: StaffView; key: IssuedKeyView }> {
    return this.staff.create(by, body.name, body.role);
  }

  @Get()
  @RequirePermission(Permissions.STAFF_MANAGE)
  list(): Promise<StaffView[]> {
    return this.staff.list();
  }

  /** Only for the calling member themselves (a person's keys are theirs); anyone else gets 403. */
  @Post(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  addKey(@Actor() by: ActorContext, @Param() p: StaffIdParam, @Body() body: StaffKeyBody): Promise<IssuedKeyView> {
    return this.keys.createStaffKey(by, p.staffId, body.label);
  }

  @Get(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  listKeys(@Param() p: StaffIdParam): Promise<ApiKeyView[]> {
    return this.keys.listForStaff(p.staffId);
  }

  @Delete(':staffId/keys/:keyId')
  @RequirePermission(Permissions.STAFF_MANAGE)
  revokeKey(@Actor() by: ActorContext, @Param() p: StaffKeyParam): Promise<ApiKeyView> {
    return this.keys.revoke(by, { staffId: p.staffId }, p.keyId);
  }

  /** Only for the calling member's own keys, like creation. */
  @Post(':staffId/keys/:keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.STAFF_MANAGE)
  rotateKey(@Actor() by: ActorContext, @Param() p: StaffKeyParam): Promise<IssuedKeyView> {
    return this.keys.rotate(by, { staffId: p.staffId }, p.keyId);
  }
}
