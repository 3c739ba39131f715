import type { LoggerService } from '@nestjs/common';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConfigError } from './database-config.error.js';
import { mayPass, openFailure } from './open-failure.js';
import { openDataSource } from './open-data-source.js';

/** How often and how far apart {@link openWithRetries} tries. */
export interface OpenRetries {
  /** Tries in all (default 3). */
  attempts?: number;
  /** Wait between two tries (default 1,000 ms). */
  delayMs?: number;
}

/**
 * Opens `module`'s DataSource (see `openDataSource`), trying again while the failure may pass — the
 * server is down, starting or out of connections, or another replica is migrating the same SQLite
 * file — with one warning line per failed try, no stack.
 * Any other failure (a refused password, a missing database, a data directory that cannot be
 * written, a failing migration) ends the start at the first try, as does the last try.
 *
 * @param where where the data is, for messages (`describeDataLocation`: no credentials).
 * @throws DataSourceOpenError naming the module, where its data is, the cause and, when known, the remedy.
 * @throws DatabaseConfigError as `openDataSource` throws it (its message already names the setting).
 */
export async function openWithRetries(
  module: string,
  options: DataSourceOptions,
  where: string,
  logger: Pick<LoggerService, 'warn'>,
  { attempts = 3, delayMs = 1_000 }: OpenRetries = {},
): Promise<DataSource> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openDataSource(options);
    } catch (error) {
      if (error instanceof DatabaseConfigError) throw error;
      const failure = openFailure(module, where, options, error);
      if (attempt >= attempts || !mayPass(error, options)) throw failure;
      logger.warn(`${failure.message}; trying again in ${delayMs} ms (${attempt} of ${attempts})`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
