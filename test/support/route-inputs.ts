import type { INestApplication } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';

export interface RouteInputs {
  /** `ControllerName.method`, how a failure names the route. */
  readonly handler: string;
  readonly controller: Function;
  readonly method: string;
  /** Query parameter names the route's parser accepts (its DTO's validated properties, or named `@Query('x')`). */
  readonly query: string[];
  /** Path parameter names the route reads (`@Param('x')` or its `@Param()` DTO's properties). */
  readonly pathParamsRead: string[];
}

/** Names a DTO class accepts: its validated properties (the validation pipe forbids any other). */
function acceptedNames(dto: Function | undefined): string[] {
  if (!dto || dto === Object || dto === String) return [];
  const storage = getMetadataStorage();
  const names = new Set<string>();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', true, false);
  for (const m of metadatas) names.add(m.propertyName);
  return [...names];
}

/**
 * What each handler reads from the query and the path, from Nest's own route argument metadata and the
 * validators of the DTO classes: independent of the OpenAPI explorer, so the document can be checked against it.
 */
export function routeInputs(app: INestApplication): Map<string, RouteInputs> {
  const out = new Map<string, RouteInputs>();
  const scanner = app.get(MetadataScanner);
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const proto = Object.getPrototypeOf(instance) as Record<string, Function>;
    for (const name of scanner.getAllMethodNames(proto)) {
      if (Reflect.getMetadata(PATH_METADATA, proto[name]) === undefined) continue;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, wrapper.metatype, name) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as Function[];
      const query: string[] = [];
      const path: string[] = [];
      for (const [key, arg] of Object.entries(args)) {
        const kind = Number(key.split(':')[0]);
        const into = kind === RouteParamtypes.QUERY ? query : kind === RouteParamtypes.PARAM ? path : null;
        if (!into) continue;
        if (typeof arg.data === 'string') into.push(arg.data);
        else into.push(...acceptedNames(types[arg.index]));
      }
      out.set(`${wrapper.metatype.name}.${name}`, {
        handler: `${wrapper.metatype.name}.${name}`,
        controller: wrapper.metatype,
        method: name,
        query,
        pathParamsRead: path,
      });
    }
  }
  return out;
}
