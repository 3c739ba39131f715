import { Logger } from '@nestjs/common';
import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { InternalError, type WireError } from '../../errors/seam-error.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { assertTransmittable, copyAsJson } from '../../wire/json-copy.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../wire/limits.js';
import type { DispatchOptions } from './dispatch.js';

/** Options every remote Seam server shares. */
export interface RemoteServerOptions {
  /** The modules this server answers for (and delivers events to). */
  hosted: string[];
  /** Largest payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** Carry the call context to nested calls implicitly (default true). */
  propagation?: boolean;
  /**
   * Authenticates every envelope that arrives and signs every reply (see `EnvelopeAuth`).
   * Without it the server believes the caller named in the envelope: only for development, or
   * behind a link that authenticates peers itself.
   */
  auth?: EnvelopeAuth;
}

/** Dispatch options of a remote server: responses are size-checked, not copied. */
export function remoteDispatchOptions(options: RemoteServerOptions): DispatchOptions {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  return {
    defaultBudgetMs: DEFAULT_BUDGET_MS,
    propagation: options.propagation ?? true,
    prepareResponse: (value) => {
      assertTransmittable(value, maxBytes);
      return value;
    },
    prepareError: sendableError(maxBytes, false),
    checkRequest: (data) => assertTransmittable(data, maxBytes),
    auth: options.auth,
  };
}

const logger = new Logger('SeamHandler');

/**
 * What a server sends for a handler's error: the error itself (copied, in process) when it can
 * travel within `maxBytes`, else an internal error saying it could not, the error logged. Errors
 * are held to the limit responses are: one larger than the peer's frame limit closed the whole
 * TCP connection, failing every call on it as Unavailable, where in process it was delivered.
 */
export function sendableError(maxBytes: number, copy: boolean): (error: WireError) => WireError {
  return (error) => {
    try {
      if (copy) return copyAsJson(error, maxBytes);
      assertTransmittable(error, maxBytes);
      return error;
    } catch (refusal) {
      logger.error(`An error (${error.code}: ${error.message}) cannot be sent: ${(refusal as Error).message}`);
      return new InternalError('Internal error', { reason: 'error-not-sendable' }).toJSON();
    }
  };
}

/** Events that arrive over the wire are parsed fresh per delivery, so a copy per module is needed. */
export function structuredCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
