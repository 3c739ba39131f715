import type { EnvelopeAuth } from '../../auth/envelope-auth.js';
import { DEFAULT_BUDGET_MS } from '../../context/call-context.registry.js';
import { assertTransmittable } from '../../wire/json-copy.js';
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
    checkRequest: (data) => assertTransmittable(data, maxBytes),
    auth: options.auth,
  };
}

/** Events that arrive over the wire are parsed fresh per delivery, so a copy per module is needed. */
export function structuredCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
