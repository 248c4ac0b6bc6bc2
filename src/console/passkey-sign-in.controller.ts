import { Body, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { PasskeysService } from '../access/people/passkeys.service';
import { SESSION_ABSOLUTE_MS } from '../access/people/person-sessions.service';
import { sessionCookieHeader } from '../access/people/session-cookie';
import { PublicRoute, RequestId, systemActor } from '../auth';
import { APP_CONFIG, type AppConfig } from '../config';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { ConsoleController } from './console-controller';
import { assertFormFromOurPage } from './same-origin-form';
import { safeNext } from './sign-in-target';

/** Username first: the login typed on the sign-in page (its passkeys are listed); absent: a discoverable passkey. */
class PasskeyOptionsBody {
  @IsOptional()
  @IsString()
  @MaxLength(254)
  login?: string;
}

class PasskeySignInBody {
  /** The browser's `navigator.credentials.get()` answer as JSON (shape checked by the service). */
  @IsObject()
  response: Record<string, unknown>;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  next?: string;
}

/**
 * Signing in with a passkey, for the sign-in page's script: options with a
 * fresh challenge, then the authenticator's answer. Public like the password
 * sign-in (they establish the session), and like it only from our own pages.
 * Answers are JSON; a refusal is 401 with the one sign-in message.
 */
@ConsoleController('console/sign-in/passkey')
export class PasskeySignInController {
  constructor(
    private readonly passkeys: PasskeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('options')
  @HttpCode(200)
  @PublicRoute()
  async options(@Req() req: Request, @Res() res: Response, @Body() body: PasskeyOptionsBody): Promise<void> {
    assertFormFromOurPage(req, this.config.publicBaseUrl.origin);
    res.json(await this.passkeys.signInOptions(body?.login));
  }

  @Post()
  @HttpCode(200)
  @PublicRoute()
  async signIn(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: PasskeySignInBody,
    @RequestId() requestId: string | null,
  ): Promise<void> {
    assertFormFromOurPage(req, this.config.publicBaseUrl.origin);
    try {
      const signedIn = await this.passkeys.signIn(systemActor('console:sign-in', requestId), body.response);
      res.setHeader('Set-Cookie', sessionCookieHeader(signedIn.token, SESSION_ABSOLUTE_MS / 1000));
      res.json({ next: safeNext(body.next) });
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCodes.UNAUTHENTICATED) throw err;
      res.status(401).json({ message: err.message });
    }
  }
}
