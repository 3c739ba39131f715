import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode, SeamError } from '@seam/transport';

const STATUS: Record<ErrorCode, HttpStatus> = {
  [ErrorCode.Validation]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.Unavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.DeadlineExceeded]: HttpStatus.GATEWAY_TIMEOUT,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * Answers a failed contract call over HTTP: the status follows the error code, the body is
 * `{ status, code, message, fields? }`. Only a validation error shows its details (the
 * offending fields); other details stay server-side. Placeholder until the RFC 9457 edge.
 */
@Catch(SeamError)
export class SeamHttpExceptionFilter implements ExceptionFilter<SeamError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: SeamError, host: ArgumentsHost): void {
    const status = STATUS[error.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const body: Record<string, unknown> = { status, code: error.code, message: error.message };
    if (error.code === ErrorCode.Validation) body.fields = error.details.fields ?? [];
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
  }
}
