import { Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { h } from 'preact';
import { PersonSessionsService } from '../access/people/person-sessions.service';
import { PublicRoute } from '../auth';
import { ConsoleController } from './console-controller';
import { HTML, renderPage } from './render';
import { HomePage } from './views/home-page';

/** The console's front door: the signed-in person's pages, or the way to sign in. */
@ConsoleController('console')
export class HomeController {
  constructor(private readonly sessions: PersonSessionsService) {}

  @Get()
  @PublicRoute()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const person = await this.sessions.fromRequest(req);
    if (!person) {
      res.redirect(303, '/console/sign-in');
      return;
    }
    res.type(HTML).send(
      renderPage(
        h(HomePage, {
          ctx: { principal: person.principal, session: person.info, actingTenantId: null, actingTenantName: null },
        }),
      ),
    );
  }
}
