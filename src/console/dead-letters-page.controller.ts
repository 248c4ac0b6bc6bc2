import { TenantPageQuery } from './tenant-page-query';
import { Get, Header, Query } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { h } from 'preact';
import {
  ConsoleRoute,
  Permissions,
  RequirePermission,
  StaffAccess,
  TenantScope,
  type StaffTenantAccess,
} from '../auth';
import { DeadLettersService } from '../sync/dead-letters.service';
import { ConsoleController } from './console-controller';
import { Page, type PageContext } from './page-context';
import { HTML, renderPage } from './render';
import { DEAD_LETTERS_PER_PAGE, DeadLettersPage, type DeadLetterFilterValues } from './views/dead-letters-page';

/** A form's empty field means "any": left out, as the API's absent parameter. */
const blankIsAbsent = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

/** The filters GET /v1/dead-letters accepts, as a GET form sends them. */
class DeadLettersPageQuery extends TenantPageQuery {
  @Transform(blankIsAbsent) @IsOptional() @IsUUID() connectionId?: string;
  @Transform(blankIsAbsent) @IsOptional() @IsIn(['amazon', 'ebay']) marketplace?: string;
  @Transform(blankIsAbsent)
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'reasonCode is a code such as missing_field' })
  reasonCode?: string;
  @Transform(blankIsAbsent) @IsOptional() @IsIn(['open', 'resolved', 'all']) state?: 'open' | 'resolved' | 'all';
  @Transform(blankIsAbsent) @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

/**
 * Orders the sync could not read, as GET /v1/dead-letters lists them (same service, permission and
 * staff grant): masked, filters in the URL, cursor paging as links. Never the sealed payload.
 */
@ConsoleController('console/dead-letters')
export class DeadLettersPageController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ConsoleRoute()
  @RequirePermission(Permissions.ORDERS_READ)
  @Header('Content-Type', HTML)
  async page(
    @Page() ctx: PageContext,
    @TenantScope() tenantId: string,
    @StaffAccess() access: StaffTenantAccess | undefined,
    @Query() q: DeadLettersPageQuery,
  ): Promise<string> {
    const filters: DeadLetterFilterValues = {
      connectionId: q.connectionId ?? '',
      marketplace: q.marketplace ?? '',
      reasonCode: q.reasonCode ?? '',
      state: q.state ?? 'open',
    };
    const page = await this.deadLetters.list(
      tenantId,
      { ...q, state: filters.state, limit: DEAD_LETTERS_PER_PAGE },
      access?.orderIds,
    );
    return renderPage(h(DeadLettersPage, { ctx, filters, page }));
  }
}
