import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config';
import { DomainError, ErrorCodes } from '../platform/errors/domain-error';
import { PERMISSION_KEY, PUBLIC_KEY, type Permission } from './permissions';
import type { Principal } from './principal';

export type AuthenticatedRequest = Request & { principal?: Principal; requestId?: string };

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Default deny: a route must be marked public or declare a permission. Callers
 * authenticate with the bootstrap admin key (`Authorization: Bearer …` or
 * `X-Api-Key`), which acts as a platform admin until staff and seller keys exist.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly adminKeyDigest?: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminKeyDigest = config.bootstrapAdminKey ? digest(config.bootstrapAdminKey) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) throw new DomainError(ErrorCodes.FORBIDDEN, 'route has no permission declared');

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = presentedKey(req);
    // Compare fixed-length digests so timing reveals nothing about the key.
    if (!presented || !this.adminKeyDigest || !timingSafeEqual(digest(presented), this.adminKeyDigest)) {
      throw new DomainError(ErrorCodes.UNAUTHENTICATED, 'missing or invalid API key');
    }
    req.principal = { kind: 'staff', id: 'bootstrap-admin', role: 'admin' };
    return true;
  }
}

export function presentedKey(req: Request): string | undefined {
  const auth = req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return req.header('x-api-key')?.trim() || undefined;
}
