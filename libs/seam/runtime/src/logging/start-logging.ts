import { Logger, type LoggerService } from '@nestjs/common';
import { isProduction } from '@seam/persistence';
import { logConfigFromEnv } from './log-config.js';
import { nestLoggerFor } from './nest-logger.js';
import { createSeamLogger } from './seam-logger.js';

/**
 * Sets up logging for a Seam process from `LOG_FORMAT` and `LOG_LEVEL` and makes it Nest's
 * logger (also for `new Logger(...)` instances created before the app). Pass the result as
 * `logger` to `NestFactory.create`. When the settings are unusable it prints why on stderr — as
 * a JSON line where JSON was asked for or is the default — and exits with status 1: `what` names the process
 * ("The monolith").
 */
export async function startLogging(what: string, env: NodeJS.ProcessEnv = process.env): Promise<LoggerService> {
  try {
    const logger = nestLoggerFor(await createSeamLogger(logConfigFromEnv(env)));
    Logger.overrideLogger(logger);
    return logger;
  } catch (error) {
    const msg = `${what} could not start: ${error instanceof Error ? error.message : String(error)}`;
    // JSON when that is what a log collector would otherwise get (see logConfigFromEnv's defaults).
    const json = (env.LOG_FORMAT?.trim().toLowerCase() || (productionOrUnsure(env) ? 'json' : 'pretty')) === 'json';
    process.stderr.write(json ? `${JSON.stringify({ level: 60, time: new Date().toISOString(), msg })}\n` : `${msg}\n`);
    process.exit(1);
  }
}

/** Whether the refusal should be JSON: yes for production, and for a `NODE_ENV` that is none of the three. */
function productionOrUnsure(env: NodeJS.ProcessEnv): boolean {
  try {
    return isProduction(env);
  } catch {
    // A near miss such as `Production` most likely means production, where a collector reads stderr.
    return true;
  }
}
