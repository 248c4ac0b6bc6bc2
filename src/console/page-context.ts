import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, PersonSessionInfo, Principal } from '../auth';

/** What every page needs to draw its frame: who is looking, and their session (for the CSRF token). */
export interface PageContext {
  readonly principal: Principal | null;
  /** Null when an API key (not a console session) authenticated the request. */
  readonly session: PersonSessionInfo | null;
  /**
   * The seller a staff member is looking at (named by the page's `tenant` parameter and let through by the
   * guard): every link and form of the page carries it on. Null for sellers (their tenant is their own).
   */
  readonly actingTenantId: string | null;
  /** That seller's name (null for sellers). */
  readonly actingTenantName: string | null;
}

export const pageContextOf = (req: AuthenticatedRequest): PageContext => ({
  principal: req.principal ?? null,
  session: req.personSession ?? null,
  actingTenantId: req.principal?.kind === 'staff' ? (req.tenantId ?? null) : null,
  actingTenantName: req.principal?.kind === 'staff' ? (req.tenantName ?? null) : null,
});

/** The page context of the request, as the guard left it. */
export const Page = createParamDecorator((_: unknown, ctx: ExecutionContext): PageContext =>
  pageContextOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>()),
);
