import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { PERMISSION_KEY, PUBLIC_KEY, type Permission } from '../../src/auth';

export interface RouteInfo {
  readonly method: string;
  /** Express-style path, e.g. /v1/orders/:orderId/reveal */
  readonly path: string;
  readonly permission: Permission | null;
  readonly isPublic: boolean;
  readonly handler: string;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route the app registered through its controllers, with what it declares. */
export function routeInventory(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prefix = (Reflect.getMetadata(PATH_METADATA, wrapper.metatype) as string | undefined) ?? '';
    const proto = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const permission =
        (Reflect.getMetadata(PERMISSION_KEY, handler) as Permission | undefined) ??
        (Reflect.getMetadata(PERMISSION_KEY, wrapper.metatype) as Permission | undefined) ??
        null;
      const isPublic = Boolean(
        Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, wrapper.metatype),
      );
      for (const p of Array.isArray(path) ? path : [path]) {
        routes.push({ method, path: join(prefix, p), permission, isPublic, handler: `${wrapper.name}.${name}` });
      }
    }
  }
  return routes;
}

/** The routes Express actually serves (to prove the inventory missed none). */
export function expressRoutes(app: INestApplication): Array<{ method: string; path: string }> {
  const router = app.getHttpAdapter().getInstance()._router ?? app.getHttpAdapter().getInstance().router;
  const out: Array<{ method: string; path: string }> = [];
  for (const layer of router.stack) {
    if (!layer.route) continue;
    for (const m of Object.keys(layer.route.methods)) out.push({ method: m.toUpperCase(), path: layer.route.path });
  }
  return out;
}
