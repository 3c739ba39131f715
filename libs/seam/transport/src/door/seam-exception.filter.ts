import { type ArgumentsHost, Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { callContextOf } from '../context/call-context.registry.js';
import { toWireError } from './to-wire-error.js';

/**
 * Turns whatever a handler throws into the wire error its caller receives, identically in every
 * transport (see `toWireError`). Unexpected errors are logged here, with the correlation id, and
 * reach the caller as a generic Internal error.
 */
@Catch()
export class SeamExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('SeamHandler');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const { wire, unexpected } = toWireError(exception);
    if (unexpected) {
      const rpc = host.switchToRpc().getContext<object | undefined>();
      const correlationId = rpc ? callContextOf(rpc)?.correlationId : undefined;
      this.logger.error(
        `Unexpected error in handler (correlation id ${correlationId ?? 'none'}): ${describe(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    return throwError(() => wire);
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
