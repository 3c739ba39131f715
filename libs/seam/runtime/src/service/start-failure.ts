import type { LoggerService } from '@nestjs/common';

/** The settings that decide where a listener binds, named in the advice of a failed listen. */
export interface ListenSettings {
  /** What listens, for the message: `the HTTP port`, `the TCP server of payments`. */
  what: string;
  /** Where its port is set: `PORT`, `the address of payments (topology file or SEAM_PAYMENTS_ADDRESS)`. */
  port: string;
  /** Where its address is set: `SEAM_HTTP_HOST`, `SEAM_LISTEN_HOST`. */
  host: string;
}

/** A listener that could not bind, with what to do about it. Keeps the system error's `code`. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    /** The system error code (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`…). */
    readonly code: string,
    options: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * `error` from a `listen` that failed, as an operator reads it: what listened, Node's reason, and
 * for the causes with a known remedy what to change (`settings` names the variables). Any other
 * error is answered unchanged.
 */
export function explainListenError(error: unknown, settings: ListenSettings): unknown {
  const { code, syscall, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (syscall !== 'listen' && syscall !== 'getaddrinfo') return error;
  const advice = adviceFor(code, settings);
  const text = `${settings.what} could not listen: ${message}${advice ? ` — ${advice}` : ''}`;
  return new ListenError(text, code ?? 'UNKNOWN', { cause: error });
}

function adviceFor(code: string | undefined, { port, host }: ListenSettings): string | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return `another process listens there: stop it, or set ${port} to a free port`;
    case 'EADDRNOTAVAIL':
      return `not an address of this machine: set ${host} to one of its addresses (0.0.0.0 for all)`;
    case 'EACCES':
    case 'EPERM':
      return `this user may not listen on a port below 1024: set ${port} to 1024 or above`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve here: set ${host} to an address of this machine`;
    default:
      return undefined;
  }
}

/**
 * Reports that `who` could not start, in one error line that carries the cause (and, where known,
 * the remedy) and the error's type: what an operator reads in a crash loop. The stack goes out at debug level only
 * (`LOG_LEVEL=debug`): a start-up failure is a setting or a dependency far more often than a bug,
 * and a stack from inside the framework buries the line that says which.
 */
export function reportStartFailure(logger: Pick<LoggerService, 'error' | 'debug'>, who: string, error: unknown): void {
  // The error's type, when it has one of its own (`IdentityConfigError`), says which part refused:
  // what to search the docs and the code for.
  const type = error instanceof Error && error.name !== 'Error' ? ` (${error.name})` : '';
  logger.error(`${who} could not start: ${error instanceof Error ? error.message : String(error)}${type}`);
  if (error instanceof Error && error.stack) logger.debug?.(error.stack);
}

/** The context Nest logs a failure of `NestFactory.create` under (a module that could not initialise), with its stack. */
const NEST_START_EXCEPTIONS = 'ExceptionHandler';

/**
 * `logger` with the errors Nest logs while creating the app (context `ExceptionHandler`, an object
 * with its stack: a database that cannot be opened, say) moved to `debug`. Pass it to
 * `NestFactory.create` with `abortOnError: false`: the error is then thrown to the caller, which
 * reports it in one line with {@link reportStartFailure}; Nest logs under that context nowhere else.
 */
export function withStartFailuresReportedOnce<T extends LoggerService>(logger: T): T {
  return new Proxy(logger, {
    get(target, property, receiver) {
      if (property !== 'error') return Reflect.get(target, property, receiver);
      return (message: unknown, ...params: unknown[]) =>
        params.at(-1) === NEST_START_EXCEPTIONS ? target.debug?.(message, ...params) : target.error(message, ...params);
    },
  });
}
