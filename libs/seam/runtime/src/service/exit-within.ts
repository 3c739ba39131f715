import type { LoggerService } from '@nestjs/common';

/** How long a process may take to shut down once asked before it is forced out. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * Forces the process out `deadlineMs` after SIGTERM or SIGINT if a graceful close (Nest's
 * shutdown hooks) hangs on a stuck call or connection: an orchestrator would SIGKILL it anyway,
 * and saying so in the log is better than vanishing. `stopTakingWork` runs first, synchronously,
 * when the signal arrives (e.g. `stopTakingWork(app)` of @seam/transport), so that the log line
 * saying "no new work" is already true when it is written.
 */
export function exitWithin(deadlineMs: number, logger: LoggerService, stopTakingWork?: () => void): void {
  const arm = (signal: NodeJS.Signals) => {
    stopTakingWork?.();
    logger.log(`${signal}: no new work; finishing what is in flight (at most ${deadlineMs / 1_000} s)`);
    setTimeout(() => {
      logger.error(`Still not closed ${deadlineMs / 1_000} s after ${signal}: exiting now`);
      process.exit(1);
    }, deadlineMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
