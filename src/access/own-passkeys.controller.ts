import { Controller, Delete, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { z } from 'zod';
import { Actor, CurrentPrincipal, Permissions, RequirePermission, type ActorContext, type Principal } from '../auth';
import { notFound } from '../platform/errors/domain-error';
import { ApiRoute } from '../platform/http/openapi/api-route';
import { PasskeyViewSchema } from './people/passkey.schema';
import { PasskeysService, type PasskeyView } from './people/passkeys.service';

class PasskeyIdParam {
  @IsUUID()
  passkeyId: string;
}

/**
 * A staff member's own console passkeys: listed and removed with their key,
 * as on the console's settings page. Registering one needs the browser's
 * authenticator, so it happens in the console only.
 */
@ApiTags('access')
@ApiBearerAuth()
@Controller('v1/me/passkeys')
export class OwnPasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Get()
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({ summary: 'List your console passkeys', response: z.array(PasskeyViewSchema) })
  async list(@CurrentPrincipal() p: Principal): Promise<PasskeyView[]> {
    const accountId = await this.passkeys.accountIdOf(p);
    // Without a console account there are no passkeys.
    return accountId ? this.passkeys.list(accountId) : [];
  }

  @Delete(':passkeyId')
  @RequirePermission(Permissions.OWN_KEYS)
  @ApiRoute({ summary: 'Remove one of your console passkeys', response: PasskeyViewSchema })
  async remove(@Actor() by: ActorContext, @Param() p: PasskeyIdParam): Promise<PasskeyView> {
    const accountId = await this.passkeys.accountIdOf(by.actor);
    if (!accountId) throw notFound('passkey');
    return this.passkeys.remove(by, accountId, p.passkeyId);
  }
}
