import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CurrentPrincipal, RequestId } from './current-principal.decorator';
import type { ApiKeyView, IssuedKeyView } from './api-key.mapper';
import { ApiKeysService } from './api-keys.service';
import { Permissions, RequirePermission } from './permissions';
import { STAFF_ROLES, type Principal } from './principal';
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

/** Staff members and their keys (admin only). */
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
  create(
    @CurrentPrincipal() actor: Principal,
    @RequestId() requestId: string,
    @Body() body: CreateStaffBody,
  ): Promise<{ staff: StaffView; key: IssuedKeyView }> {
    return this.staff.create({ actor, requestId }, body.name, body.role);
  }

  @Get()
  @RequirePermission(Permissions.STAFF_MANAGE)
  list(): Promise<StaffView[]> {
    return this.staff.list();
  }

  @Post(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  addKey(
    @CurrentPrincipal() actor: Principal,
    @RequestId() requestId: string,
    @Param() p: StaffIdParam,
    @Body() body: StaffKeyBody,
  ): Promise<IssuedKeyView> {
    return this.keys.createStaffKey({ actor, requestId }, p.staffId, body.label);
  }

  @Get(':staffId/keys')
  @RequirePermission(Permissions.STAFF_MANAGE)
  listKeys(@Param() p: StaffIdParam): Promise<ApiKeyView[]> {
    return this.keys.listForStaff(p.staffId);
  }

  @Delete(':staffId/keys/:keyId')
  @RequirePermission(Permissions.STAFF_MANAGE)
  revokeKey(
    @CurrentPrincipal() actor: Principal,
    @RequestId() requestId: string,
    @Param() p: StaffKeyParam,
  ): Promise<ApiKeyView> {
    return this.keys.revoke({ actor, requestId }, { tenantId: null }, p.keyId);
  }

  @Post(':staffId/keys/:keyId/rotate')
  @HttpCode(201)
  @RequirePermission(Permissions.STAFF_MANAGE)
  rotateKey(
    @CurrentPrincipal() actor: Principal,
    @RequestId() requestId: string,
    @Param() p: StaffKeyParam,
  ): Promise<IssuedKeyView> {
    return this.keys.rotate({ actor, requestId }, { tenantId: null }, p.keyId);
  }
}
