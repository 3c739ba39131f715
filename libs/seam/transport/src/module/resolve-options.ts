import { parseRedisUrl } from '../transports/redis/redis-url.js';
import { resolveTcpServerLimits } from '../transports/tcp/tcp-limits.js';
import { checkTlsOptions } from '../transports/tcp/tcp-tls.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS, DEFAULT_MAX_MESSAGE_BYTES } from '../wire/limits.js';
import type { ResolvedSeamOptions, SeamTransportOptions } from './seam-options.js';

/** Applies defaults and rejects values that cannot work, with a message naming the option. */
export function resolveOptions(options: SeamTransportOptions): ResolvedSeamOptions {
  // Options often come from untyped configuration (JSON, environment): a string here would be
  // spread into its letters.
  if (!Array.isArray(options.hosted) || !options.hosted.every((module) => typeof module === 'string')) {
    throw new Error(`Seam option hosted must be an array of module names, got ${JSON.stringify(options.hosted)}`);
  }
  const resolved: ResolvedSeamOptions = {
    hosted: [...options.hosted],
    endpoints: { ...options.endpoints },
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    incompleteFrameTimeoutMs: options.incompleteFrameTimeoutMs ?? DEFAULT_INCOMPLETE_FRAME_TIMEOUT_MS,
    propagation: options.propagation ?? true,
    directHandlers: options.directHandlers ?? true,
    bus: options.bus,
    // Checked here so that a bad value fails at start-up; absent, each server applies the defaults.
    tcpServer: options.tcpServer && resolveTcpServerLimits(options.tcpServer),
    tls: options.tls && checkTlsOptions(options.tls),
    redis: options.redis,
    auth: options.auth,
  };
  for (const key of ['deadlineMs', 'maxMessageBytes', 'incompleteFrameTimeoutMs'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`Seam option ${key} must be a positive integer, got ${String(value)}`);
  }
  for (const key of ['propagation', 'directHandlers'] as const)
    if (typeof resolved[key] !== 'boolean')
      throw new Error(`Seam option ${key} must be a boolean, got ${String(resolved[key])}`);
  for (const [module, endpoint] of Object.entries(resolved.endpoints)) checkEndpoint(`endpoints.${module}`, endpoint);
  return resolved;
}

/** Throws unless `endpoint` is one a client can reach (a bad Redis URL would otherwise be read as a host name). */
function checkEndpoint(option: string, endpoint: unknown): void {
  const fields = (typeof endpoint === 'object' && endpoint !== null ? endpoint : {}) as Record<string, unknown>;
  switch (fields.transport) {
    case 'in-process':
      return;
    case 'tcp': {
      if (typeof fields.host !== 'string' || fields.host === '')
        throw new Error(`Seam option ${option}.host must be a host name, got ${String(fields.host)}`);
      const port = fields.port;
      if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65_535) {
        throw new Error(`Seam option ${option}.port must be an integer from 1 to 65535, got ${String(port)}`);
      }
      return;
    }
    case 'redis':
      if (typeof fields.url !== 'string')
        throw new Error(`Seam option ${option}.url must be a redis:// URL, got ${String(fields.url)}`);
      try {
        parseRedisUrl(fields.url);
      } catch (error) {
        throw new Error(`Seam option ${option}.url: ${(error as Error).message}`, { cause: error });
      }
      if (fields.mode !== undefined && fields.mode !== 'streams' && fields.mode !== 'pubsub') {
        throw new Error(`Seam option ${option}.mode must be 'streams' or 'pubsub', got ${String(fields.mode)}`);
      }
      return;
    default:
      throw new Error(
        `Seam option ${option}.transport must be 'in-process', 'tcp' or 'redis', got ${String(fields.transport)}`,
      );
  }
}
