import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import {
  Actor,
  Permissions,
  PublicRoute,
  RequestId,
  RequirePermission,
  systemActor,
  TenantScope,
  type ActorContext,
} from '../auth';
import { SELLER_ROLES, type SellerRole } from './people/seller-roles';
import {
  SellerUsersService,
  type CreatedInvitation,
  type InvitationView,
  type PendingEnrolment,
  type SellerUserView,
} from './people/seller-users.service';
import { z } from 'zod';
import { ApiRoute } from '../platform/http/openapi/api-route';
import {
  CreatedInvitationSchema,
  InvitationViewSchema,
  PendingEnrolmentSchema,
  SellerUserViewSchema,
} from './people/seller-user.schema';

export class RoleBody {
  @ApiProperty({ enum: SELLER_ROLES })
  @IsIn(SELLER_ROLES)
  role: SellerRole;
}

export class InviteBody extends RoleBody {
  @ApiPropertyOptional({
    example: 'ana@seller.example',
    description:
      'the invitee’s address: the link is also sent there (needs an SMTP relay; the address is kept nowhere)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

class AccountIdParam {
  @IsUUID()
  accountId: string;
}

class InvitationIdParam {
  @IsUUID()
  invitationId: string;
}

export class AcceptInvitationBody {
  @ApiProperty({ description: 'the token at the end of the invitation link' })
  @IsString()
  @Length(43, 43)
  token: string;

  @ApiProperty({ example: 'ana@seller.example' })
  @IsString()
  @MaxLength(200)
  login: string;

  @ApiProperty({ description: '12-256 characters' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class ConfirmInvitationBody {
  @ApiProperty()
  @IsString()
  @Length(43, 43)
  token: string;

  @ApiProperty({ description: 'the current code of the authenticator app' })
  @IsString()
  @MaxLength(20)
  code: string;
}

/**
 * A tenant's console users and invitations (owners and admins, or a key with
 * users:manage; staff admins for onboarding). The invitation link is in the
 * creating response only.
 */
@ApiTags('people')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Tenant-Id', required: false, description: 'tenant to act on (staff keys only)' })
@Controller('v1')
export class UsersController {
  constructor(private readonly users: SellerUsersService) {}

  @Get('users')
  @RequirePermission(Permissions.USERS_MANAGE)
  @ApiRoute({ summary: 'The people of the seller’s team', response: z.array(SellerUserViewSchema) })
  list(@TenantScope() tenantId: string): Promise<SellerUserView[]> {
    return this.users.listUsers(tenantId);
  }

  @Patch('users/:accountId')
  @RequirePermission(Permissions.USERS_MANAGE)
  @ApiRoute({ summary: 'Change a person’s role (the last owner stays an owner)', response: SellerUserViewSchema })
  changeRole(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: AccountIdParam,
    @Body() body: RoleBody,
  ): Promise<SellerUserView> {
    return this.users.changeRole(by, tenantId, p.accountId, body.role);
  }

  @Get('invitations')
  @RequirePermission(Permissions.USERS_MANAGE)
  @ApiRoute({ summary: 'The seller’s invitations', response: z.array(InvitationViewSchema) })
  invitations(@TenantScope() tenantId: string): Promise<InvitationView[]> {
    return this.users.listInvitations(tenantId);
  }

  /** The response holds the invitation link; it is shown this once. */
  @Post('invitations')
  @RequirePermission(Permissions.USERS_MANAGE)
  @ApiRoute({
    summary: 'Invite a person with a role (the one-time link shown once)',
    status: 201,
    response: CreatedInvitationSchema,
  })
  invite(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Body() body: InviteBody,
  ): Promise<CreatedInvitation> {
    return this.users.invite(by, tenantId, body.role, body.email);
  }

  @Delete('invitations/:invitationId')
  @RequirePermission(Permissions.USERS_MANAGE)
  @ApiRoute({ summary: 'Revoke a pending invitation', response: InvitationViewSchema })
  revoke(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: InvitationIdParam,
  ): Promise<InvitationView> {
    return this.users.revokeInvitation(by, tenantId, p.invitationId);
  }

  /** Accepting, step 1 (the link's holder): login and password; answers the TOTP secret once. */
  @Post('invitation-acceptances')
  @PublicRoute()
  @HttpCode(200)
  @ApiRoute({
    summary: 'Accept an invitation: set a password, get the authenticator secret (shown once)',
    response: PendingEnrolmentSchema,
  })
  accept(@Body() body: AcceptInvitationBody): Promise<PendingEnrolment> {
    return this.users.startAcceptance(body);
  }

  /** Accepting, step 2: a code from the authenticator app creates the account. */
  @Post('invitation-acceptances/confirm')
  @PublicRoute()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Confirm an invitation with the first authenticator code: the account exists',
    status: 201,
    response: SellerUserViewSchema,
  })
  confirm(@RequestId() requestId: string | null, @Body() body: ConfirmInvitationBody): Promise<SellerUserView> {
    return this.users.confirmAcceptance(systemActor('invitation-acceptance', requestId), body);
  }
}
