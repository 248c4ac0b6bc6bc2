import { Body, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { SELLER_ROLES, type SellerRole } from '../access/people/seller-roles';
import { SellerUsersService } from '../access/people/seller-users.service';
import { Actor, ConsoleRoute, Permissions, RequirePermission, TenantScope, type ActorContext } from '../auth';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderFragment, renderPage } from './render';
import { InvitationCreated, InvitationCreatedPage, UsersPage } from './views/users-page';

class RoleForm {
  @IsIn(SELLER_ROLES)
  role: SellerRole;
}

/** As POST /v1/invitations' body: a role and, optionally, the address the link also goes to (blank: none). */
class InviteForm extends RoleForm {
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

/**
 * Users and invitations of the signed-in seller's tenant, as /v1/users and
 * /v1/invitations serve them, through the same service and permission.
 */
@ConsoleController('console/users')
export class UsersPageController {
  constructor(private readonly users: SellerUsersService) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.USERS_MANAGE)
  @Header('Content-Type', HTML)
  async page(@Page() ctx: PageContext, @TenantScope() tenantId: string): Promise<string> {
    const [users, invitations] = await Promise.all([
      this.users.listUsers(tenantId),
      this.users.listInvitations(tenantId),
    ]);
    return renderPage(h(UsersPage, { ctx, users, invitations, emailEnabled: this.users.emailsInvitations }));
  }

  /** As POST /v1/invitations: the link, once; a fragment for htmx, else a page. */
  @Post('invitations')
  @HttpCode(201)
  @ConsoleRoute()
  @RequirePermission(Permissions.USERS_MANAGE)
  @Header('Content-Type', HTML)
  async invite(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Body() body: InviteForm,
    @Req() req: Request,
  ): Promise<string> {
    const invitation = await this.users.invite(by, tenantId, body.role, body.email);
    return req.header('hx-request') === 'true'
      ? renderFragment(h(InvitationCreated, { invitation }))
      : renderPage(h(InvitationCreatedPage, { ctx, invitation }));
  }

  /** As DELETE /v1/invitations/:invitationId. */
  @Post('invitations/:invitationId/revoke')
  @ConsoleRoute()
  @RequirePermission(Permissions.USERS_MANAGE)
  async revoke(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: InvitationIdParam,
    @Res() res: Response,
  ): Promise<void> {
    await this.users.revokeInvitation(by, tenantId, p.invitationId);
    res.redirect(303, '/console/users');
  }

  /** As PATCH /v1/users/:accountId. */
  @Post(':accountId/role')
  @ConsoleRoute()
  @RequirePermission(Permissions.USERS_MANAGE)
  async changeRole(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: AccountIdParam,
    @Body() body: RoleForm,
    @Res() res: Response,
  ): Promise<void> {
    await this.users.changeRole(by, tenantId, p.accountId, body.role);
    res.redirect(303, '/console/users');
  }
}
