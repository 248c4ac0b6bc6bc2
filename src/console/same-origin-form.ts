import type { Request } from 'express';
import { isSameOrigin } from '../access/people/session-cookie';
import { DomainError, ErrorCodes, validationFailed } from '../platform/errors/domain-error';

/**
 * A public form (sign-in, accepting an invitation) posted from another site
 * would act for the browser's user without them knowing (login CSRF): a
 * browser's Origin or Sec-Fetch-Site must say it came from us. A request with
 * neither is not from a browser's form at all.
 */
export function assertFormFromOurPage(req: Request, publicOrigin: string): void {
  if (req.header('origin') === undefined && req.header('sec-fetch-site') === undefined) {
    throw validationFailed('send this form from the console page: the request carries no Origin header', [
      { field: 'Origin', issue: 'required' },
    ]);
  }
  if (!isSameOrigin(req, publicOrigin)) {
    throw new DomainError(ErrorCodes.FORBIDDEN, 'this form was sent from another site; open the console and try again');
  }
}
