import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';

/** Request bodies are at most this large. */
export const BODY_LIMIT = '100kb';

/**
 * A body the parser could not take (not JSON, or too large). It reaches the
 * route instead of ending the request in the parser, so that authentication
 * and the access log see the attempt first: a malformed reveal is refused and
 * logged like any other (RequestShapePipe refuses it everywhere else).
 */
export class RejectedBody {
  constructor(readonly problem: string) {}
}

/** A request whose JSON body's bytes are kept as received (signatures over the body verify these). */
export interface RawBodyRequest {
  rawBody?: Buffer;
}

const parseJson = json({
  strict: false,
  limit: BODY_LIMIT,
  verify: (req, _res, buf) => {
    (req as RawBodyRequest).rawBody = buf;
  },
});
const parseForm = urlencoded({ extended: true, limit: BODY_LIMIT });

export function jsonBodyMiddleware(req: Request, res: Response, next: NextFunction): void {
  parseJson(req, res, (err?: unknown) => {
    const type = (err as { type?: string } | undefined)?.type;
    if (type === 'entity.parse.failed') req.body = new RejectedBody('the body is not valid JSON');
    else if (type === 'entity.too.large') req.body = new RejectedBody(`the body is larger than ${BODY_LIMIT}`);
    else if (err) return next(err);
    parseForm(req, res, next);
  });
}
