import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { callContextOf } from '../context/call-context.registry.js';
import type { WireError } from '../errors/seam-error.js';
import { toWireError } from './to-wire-error.js';

/**
 * Turns whatever a handler throws into the wire error its caller receives, identically in every
 * transport (see `toWireError`). Unexpected errors are logged here, with the correlation id, and
 * reach the caller as a generic Internal error.
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
 * with the call's correlation id. Shared by the filter and by handlers Seam invokes directly.
 */
export function handlerFailure(exception: unknown, rpcContext: object | undefined): WireError {
  const { wire, unexpected } = toWireError(exception);
  if (unexpected) {
    const correlationId = rpcContext ? callContextOf(rpcContext)?.correlationId : undefined;
    logger.error(
      `Unexpected error in handler (correlation id ${correlationId ?? 'none'}): ${describe(exception)}`,
      exception instanceof Error ? exception.stack : undefined,
    );
  }
  return wire;
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
