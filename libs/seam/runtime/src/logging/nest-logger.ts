import type { LoggerService } from '@nestjs/common';
import { Logger as PinoNestLogger, type Params, PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * The contexts of Nest's own start-up lines (one per module, controller and route: over a hundred
 * for the monolith). They are logged at `debug`: `LOG_LEVEL=debug` shows them again.
 */
export const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/** nestjs-pino's Nest logger, with Nest's per-module and per-route start-up lines moved to `debug`. */
export class SeamNestLogger extends PinoNestLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}

/**
 * The Nest `LoggerService` of a process, writing through `root` (see `createSeamLogger`): pass it
 * as `logger` to `NestFactory.create` and to `Logger.overrideLogger` before anything logs. Calls
 * once per process: nestjs-pino keeps one root logger per process (the first one it is given).
 */
export function nestLoggerFor(root: Logger): LoggerService {
  // No pino-http request lines (autoLogging): the edge's metrics count every request, and a line
  // per request would drown the rest at `info`.
  const params: Params = { pinoHttp: { logger: root, autoLogging: false } };
  return new SeamNestLogger(new PinoLogger(params), params);
}
