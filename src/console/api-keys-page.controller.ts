import { Body, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import type { Response } from 'express';
import { h } from 'preact';
import { KeyIdParam } from '../access/api-keys.controller';
import { ApiKeysService } from '../access/api-keys.service';
import {
  Actor,
  ConsoleRoute,
  Permissions,
  RequirePermission,
  SELLER_SCOPES,
  TenantScope,
  type ActorContext,
} from '../auth';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { ApiKeyCreatedPage, ApiKeysPage } from './views/api-keys-page';

class CreateKeyForm {
  @IsString()
  @Length(1, 100)
  label: string;

  /** Checkboxes: one ticked box arrives as a string, several as an array. */
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : value === undefined ? [] : [value]))
  @IsArray()
  @ArrayMinSize(1, { message: 'tick at least one scope' })
  @ArrayMaxSize(SELLER_SCOPES.length)
  @IsIn(SELLER_SCOPES, { each: true })
  scopes: string[];
}

/**
 * The seller's API keys (for their systems, not for people), as
 * /v1/api-keys serves them, through the same service and permission: listed,
 * created (the key shown this once), revoked.
 */
@ConsoleController('console/api-keys')
export class ApiKeysPageController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.KEYS_MANAGE)
  @Header('Content-Type', HTML)
  async page(@Page() ctx: PageContext, @TenantScope() tenantId: string): Promise<string> {
    return renderPage(h(ApiKeysPage, { ctx, keys: await this.keys.listForTenant(tenantId) }));
  }

  /** As POST /v1/api-keys: the key, once. */
  @Post()
  @HttpCode(201)
  @ConsoleRoute()
  @RequirePermission(Permissions.KEYS_MANAGE)
  @Header('Content-Type', HTML)
  async create(
    @Actor() by: ActorContext,
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @Body() body: CreateKeyForm,
  ): Promise<string> {
    const issued = await this.keys.createSellerKey(by, tenantId, { label: body.label, scopes: body.scopes });
    return renderPage(h(ApiKeyCreatedPage, { ctx, issued }));
  }

  /** As DELETE /v1/api-keys/:keyId. */
  @Post(':keyId/revoke')
  @ConsoleRoute()
  @RequirePermission(Permissions.KEYS_MANAGE)
  async revoke(
    @Actor() by: ActorContext,
    @TenantScope() tenantId: string,
    @Param() p: KeyIdParam,
    @Res() res: Response,
  ): Promise<void> {
    await this.keys.revoke(by, { tenantId }, p.keyId);
    res.redirect(303, '/console/api-keys');
  }
}
