import type { LoggerService } from '@nestjs/common';
import { ShutdownBudget } from './shutdown-budget.js';

/**
 * How long a process may take to shut down once asked before it is forced out: the budget every
 * stage of the shutdown is cut from (see {@link ShutdownBudget}). Deployments give a process at
 * least 15 s between SIGTERM and SIGKILL, which this leaves room within.
 */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * The signals that shut a Seam process down gracefully: an orchestrator's or `docker stop`'s
 * SIGTERM, Ctrl-C's SIGINT, a closed terminal's SIGHUP. Pass them to `app.enableShutdownHooks`:
 * with no list, Nest listens to every signal it knows, and that takes from operators and from
 * Node what the others are for — SIGUSR2 asks Node for a diagnostic report (`--report-on-signal`)
 * or a heap snapshot (`--heapsnapshot-signal`), and would shut the process down instead;
 * SIGQUIT and SIGABRT would no longer dump core; and a JavaScript listener on SIGSEGV, SIGBUS,
 * SIGFPE or SIGILL turns a real fault of native code into a process that hangs instead of dying
 * (Node's docs: not safe to handle), which a supervisor only notices when probes fail.
 */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Forces the process out `deadlineMs` after one of {@link SHUTDOWN_SIGNALS} if a graceful close (Nest's
 * shutdown hooks) hangs on a stuck call or connection: an orchestrator would SIGKILL it anyway,
 * and saying so in the log is better than vanishing. `stopTakingWork` runs first, synchronously,
 * when the signal arrives (e.g. `beginShutdown`), so that the log line saying "no new work" is
 * already true when it is written; it is given the shutdown's budget, which ends with the forced
 * exit, to bound each stage of the close by.
 */
export function exitWithin(
  deadlineMs: number,
  logger: LoggerService,
  stopTakingWork?: (budget: ShutdownBudget) => void,
): void {
  const arm = (signal: NodeJS.Signals) => {
    stopTakingWork?.(new ShutdownBudget(deadlineMs));
    logger.log(`${signal}: no new work; finishing what is in flight (at most ${deadlineMs / 1_000} s)`);
    setTimeout(() => {
      logger.error(`Still not closed ${deadlineMs / 1_000} s after ${signal}: exiting now`);
      process.exit(1);
    }, deadlineMs).unref();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, arm);
}
