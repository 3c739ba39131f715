import { Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

interface Route {
  method: string;
  pattern: RegExp;
}

/**
 * The HTTP routes of the app's controllers, read from their Nest metadata, to tell a request for
 * a path that does not exist (404) from one with a method the path does not allow (405 with
 * `Allow`). Express answers both with 404 and has no such table to ask.
 */
@Injectable()
export class RouteTable {
  private routes?: Route[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** The methods some route allows on `path` (matched as Express matches it; with HEAD wherever GET is), sorted; empty for an unknown path. */
  allowedMethods(path: string): string[] {
    const methods = new Set(
      this.all()
        .filter((route) => route.pattern.test(path))
        .map((route) => route.method),
    );
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].toSorted();
  }

  private all(): Route[] {
    this.routes ??= this.discovery.getControllers().flatMap(({ metatype, instance }) => {
      if (!metatype || !instance) return [];
      const prefixes = paths(Reflect.getMetadata(PATH_METADATA, metatype));
      const prototype = Object.getPrototypeOf(instance) as object;
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined || method === RequestMethod.ALL) return [];
        const suffixes = paths(Reflect.getMetadata(PATH_METADATA, handler));
        return prefixes.flatMap((prefix) =>
          suffixes.map((suffix) => ({ method: RequestMethod[method], pattern: patternOf(prefix, suffix) })),
        );
      });
    });
    return this.routes;
  }
}

function paths(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map(String);
  return [typeof metadata === 'string' ? metadata : '/'];
}

/**
 * `api/products` + `:sku/stock` → /^\/api\/products\/[^/]+\/stock\/?$/i: Express is strict neither
 * about a trailing slash nor about case (`/API/ORDERS` is routed to `api/orders`).
 */
function patternOf(prefix: string, suffix: string): RegExp {
  const segments = `${prefix}/${suffix}`.split('/').filter((segment) => segment.length > 0);
  const source = segments.map((segment) =>
    segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`),
  );
  return new RegExp(`^/${source.join('/')}/?$`, 'i');
}
