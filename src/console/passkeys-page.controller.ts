import { Body, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { PasskeysService } from '../access/people/passkeys.service';
import { PersonSessionsService, type ResolvedSession } from '../access/people/person-sessions.service';
import { PublicRoute, type ActorContext } from '../auth';
import { ConsoleController } from './console-controller';
import { HTML, renderPage } from './render';
import { PasskeysPage } from './views/passkeys-page';

class PasskeysQuery {
  @IsOptional()
  @IsIn(['yes'])
  added?: string;

  @IsOptional()
  @IsIn(['yes'])
  removed?: string;
}

class RegisterBody {
  @IsString()
  @MaxLength(100)
  name: string;

  /** The browser's `navigator.credentials.create()` answer as JSON (shape checked by the service). */
  @IsObject()
  response: Record<string, unknown>;
}

class PasskeyIdParam {
  @IsUUID()
  passkeyId: string;
}

type SessionRequest = Request & { requestId?: string };

const SIGN_IN_FIRST = '/console/sign-in?next=%2Fconsole%2Fpasskeys';

/**
 * The signed-in person's own passkeys (staff and seller users alike). Every
 * person may manage their own and nobody else's, whatever their role, so no
 * permission applies: the session itself is required (checked here, as
 * sign-out does), and every change carries its CSRF token from our origin.
 * Registering is two JSON calls from the page's script (options, answer).
 */
@ConsoleController('console/passkeys')
export class PasskeysPageController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly sessions: PersonSessionsService,
  ) {}

  @Get()
  @PublicRoute()
  async page(@Req() req: SessionRequest, @Res() res: Response, @Query() q: PasskeysQuery): Promise<void> {
    const person = await this.sessions.fromRequest(req);
    if (!person) return res.redirect(303, SIGN_IN_FIRST);
    const passkeys = await this.passkeys.list(person.info.accountId);
    const notice = q.added ? 'Passkey added.' : q.removed ? 'Passkey removed.' : undefined;
    const ctx = { principal: person.principal, session: person.info, actingTenantId: null, actingTenantName: null };
    res.type(HTML).send(renderPage(h(PasskeysPage, { ctx, passkeys, notice })));
  }

  @Post('options')
  @HttpCode(200)
  @PublicRoute()
  async options(@Req() req: SessionRequest, @Res() res: Response): Promise<void> {
    const person = await this.changingPerson(req);
    if (!person) return res.redirect(303, SIGN_IN_FIRST);
    res.json(await this.passkeys.registrationOptions(person.info.accountId));
  }

  @Post()
  @PublicRoute()
  async register(@Req() req: SessionRequest, @Res() res: Response, @Body() body: RegisterBody): Promise<void> {
    const person = await this.changingPerson(req);
    if (!person) return res.redirect(303, SIGN_IN_FIRST);
    const view = await this.passkeys.register(actorOf(req, person), person.info.accountId, body);
    res.status(201).json(view);
  }

  @Post(':passkeyId/remove')
  @PublicRoute()
  async remove(@Req() req: SessionRequest, @Res() res: Response, @Param() p: PasskeyIdParam): Promise<void> {
    const person = await this.changingPerson(req);
    if (!person) return res.redirect(303, SIGN_IN_FIRST);
    await this.passkeys.remove(actorOf(req, person), person.info.accountId, p.passkeyId);
    res.redirect(303, '/console/passkeys?removed=yes');
  }

  /**
   * The signed-in person, for a change: CSRF token and origin checked. Null
   * without a session: the caller sends the browser to sign in, as every
   * console page does.
   */
  private async changingPerson(req: SessionRequest): Promise<ResolvedSession | null> {
    const person = await this.sessions.fromRequest(req);
    if (person) this.sessions.assertSameOriginChange(req, person.info);
    return person;
  }
}

const actorOf = (req: SessionRequest, person: ResolvedSession): ActorContext => ({
  actor: person.principal,
  requestId: req.requestId ?? null,
});
