import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { callContextOf } from '../context/call-context.registry.js';
import type { WireError } from '../errors/seam-error.js';
import { toWireError } from './to-wire-error.js';

/**
 * Turns whatever a handler throws into the wire error its caller receives, identically in every
 * transport (see `toWireError`). Unexpected errors are logged here, with the correlation id, and
 * reach the caller as a generic Internal error; transient database failures are logged as
 * warnings and reach it as Unavailable.
 */
@Catch()
export class SeamExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const wire = handlerFailure(exception, host.switchToRpc().getContext<object | undefined>());
    return throwError(() => wire);
  }
}

const logger = new Logger('SeamHandler');

/**
 * The wire error a handler's failure becomes (see `toWireError`); an unexpected one is logged
 * with the call's correlation id and stack, a transient database failure as a warning without
 * stack (the database was busy or away, no bug to find). Shared by the filter and by handlers
 * Seam invokes directly.
 */
export function handlerFailure(exception: unknown, rpcContext: object | undefined): WireError {
  const { wire, unexpected, transient } = toWireError(exception);
  if (unexpected || transient) {
    const correlationId = rpcContext ? callContextOf(rpcContext)?.correlationId : undefined;
    const where = `in handler (correlation id ${correlationId ?? 'none'}): ${describe(exception)}`;
    if (transient) logger.warn(`Transient database error ${where}; answered ${wire.code}`);
    else logger.error(`Unexpected error ${where}`, exception instanceof Error ? exception.stack : undefined);
  }
  return wire;
}

function describe(exception: unknown): string {
  if (!(exception instanceof Error)) return String(exception);
  const code = driverCodeOf(exception);
  return `${exception.name}: ${exception.message}${code === undefined ? '' : ` [${code}]`}`;
}

/** The driver's error code (`SQLITE_BUSY`, a SQLSTATE, `ECONNREFUSED`), which the message may not say. */
function driverCodeOf(error: Error): string | undefined {
  const cause = (error as { driverError?: unknown }).driverError ?? error;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
