import type { INestApplication, LoggerService } from '@nestjs/common';
import { runningRelays, settlesBy } from '@seam/messaging';
import { stopTakingWork } from '@seam/transport';
import type { ShutdownBudget } from './shutdown-budget.js';

/**
 * What a Seam process does the moment it is asked to stop (the callback of `exitWithin`), so that
 * Nest's close of `app` fits in `budget` and still reaches the databases:
 *
 * - its Seam servers refuse new work at once (`stopTakingWork` of @seam/transport);
 * - the outbox relays of the process start no further round, and their stop waits for the round
 *   in progress until the end of the `work` stage at most (a round cut short leaves its events in
 *   the outbox for the next relay, see `OutboxRelay.stop`);
 * - closing its Seam servers, which Nest does after the HTTP server, waits for the calls they had
 *   taken until the end of the `servers` stage at most: the databases then close under whatever
 *   is still running, and those calls fail at their callers, which may go elsewhere — rather than
 *   the whole process being forced out with its databases open.
 *
 * One app per process: the relays are the process's (`runningRelays`).
 */
export function beginShutdown(app: INestApplication, budget: ShutdownBudget, logger: LoggerService): void {
  stopTakingWork(app);
  for (const relay of runningRelays()) void relay.stop(budget.remainingFor('work'));
  for (const server of app.getMicroservices()) {
    // Nest calls close() with no limit, and each transport waits as long as its own default; the
    // limit is put around it here, where the budget is known.
    const close = server.close.bind(server);
    server.close = async () => {
      const limitMs = budget.remainingFor('servers');
      if (!(await settlesBy(close(), performance.now() + limitMs)))
        logger.warn(`A Seam server was still draining its calls after ${limitMs} ms: closing the databases anyway`);
    };
  }
}
