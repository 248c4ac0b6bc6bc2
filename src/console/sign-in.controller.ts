import { Body, Get, Header, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { SESSION_ABSOLUTE_MS, PersonSessionsService } from '../access/people/person-sessions.service';
import { clearedSessionCookieHeader, sessionCookieHeader } from '../access/people/session-cookie';
import { assertFormFromOurPage } from './same-origin-form';
import { SignInService } from '../access/people/sign-in.service';
import { PublicRoute, RequestId, systemActor } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { ConsoleController } from './console-controller';
import { HTML, renderPage } from './render';
import { safeNext } from './sign-in-target';
import { SignInPage } from './views/sign-in-page';

class SignInQuery {
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  next?: string;

  @IsOptional()
  @IsIn(['yes'])
  signedOut?: string;

  @IsOptional()
  @IsIn(['yes'])
  accepted?: string;
}

class SignInBody {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  login?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  code?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  next?: string;
}

class SignOutBody {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  _csrf?: string;

  @IsOptional()
  @IsIn(['yes'])
  everywhere?: string;
}

/**
 * Signing in and out. Public routes: they establish or end the session
 * themselves. Sign-in answers a refused attempt with the form again (401) and
 * one message whatever was wrong; success sets the session cookie and goes on
 * to where the person was headed (a console path only).
 */
@ConsoleController('console')
export class SignInController {
  constructor(
    private readonly signIns: SignInService,
    private readonly sessions: PersonSessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('sign-in')
  @PublicRoute()
  @Header('Content-Type', HTML)
  form(@Query() q: SignInQuery): string {
    return renderPage(
      h(SignInPage, {
        next: safeNext(q.next),
        notice: q.signedOut
          ? 'You have signed out.'
          : q.accepted
            ? 'Your account is ready: sign in with your login, password and a new code.'
            : undefined,
      }),
    );
  }

  @Post('sign-in')
  @PublicRoute()
  async signIn(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: SignInBody,
    @RequestId() requestId: string | null,
  ): Promise<void> {
    assertFormFromOurPage(req, this.config.publicBaseUrl.origin);
    const next = safeNext(body.next);
    try {
      const { login, password, code } = body;
      const signedIn = await this.signIns.signIn(systemActor('console:sign-in', requestId), { login, password, code });
      res.setHeader('Set-Cookie', sessionCookieHeader(signedIn.token, SESSION_ABSOLUTE_MS / 1000));
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCodes.UNAUTHENTICATED) throw err;
      res
        .status(401)
        .type(HTML)
        .send(renderPage(h(SignInPage, { next, error: err.message })));
    }
  }

  @Post('sign-out')
  @PublicRoute()
  async signOut(
    @Req() req: Request & { requestId?: string },
    @Res() res: Response,
    @Body() body: SignOutBody,
  ): Promise<void> {
    const person = await this.sessions.fromRequest(req);
    if (person) {
      this.sessions.assertSameOriginChange(req, person.info);
      await this.sessions.signOut(
        { actor: person.principal, requestId: req.requestId ?? null },
        person.info.sessionId,
        body.everywhere === 'yes',
      );
    }
    res.setHeader('Set-Cookie', clearedSessionCookieHeader());
    res.redirect(303, '/console/sign-in?signedOut=yes');
  }
}
