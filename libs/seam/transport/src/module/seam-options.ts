import type { InProcessBus } from '../transports/in-process/in-process.bus.js';
import type { SeamRedisSecurity } from '../transports/redis/redis-tls.js';
import type { TcpServerLimits } from '../transports/tcp/tcp-limits.js';
import type { SeamTlsOptions } from '../transports/tcp/tcp-tls.js';
import type { Endpoint } from './endpoint.js';
import type { EnvelopeAuth } from '../auth/envelope-auth.js';

/** Configuration of Seam's transport layer for one process. */
export interface SeamTransportOptions {
  /** The modules whose handlers run in this process. */
  hosted: string[];
  /**
   * How each module is reached. For a module that does not run here: where to call it. For a
   * hosted module: how other processes reach it (Seam starts that server). Modules absent here
   * are in-process.
   */
  endpoints?: Record<string, Endpoint>;
  /** Deadline of a call that sets none (default 5,000 ms). */
  deadlineMs?: number;
  /** Largest request, response or event payload in UTF-8 JSON bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /**
   * How long a TCP peer has to complete a frame, from its first byte; more bytes do not extend it
   * (default 5,000 ms).
   */
  incompleteFrameTimeoutMs?: number;
  /** Limits of this process's TCP servers across their connections (each has a default). */
  tcpServer?: TcpServerLimits;
  /** Mutual TLS on every TCP client and server of this process (absent: plain TCP). */
  tls?: SeamTlsOptions;
  /** ACL credentials and `rediss://` TLS settings of every Redis connection of this process. */
  redis?: SeamRedisSecurity;
  /**
   * Authenticates every envelope this process sends or receives over TCP or Redis with the
   * mesh keys of its modules (one instance per process: it holds the replay guard). Absent:
   * envelopes are unsigned and the caller they name is believed — for development only; the
   * runtime refuses to start a split topology so unless `SEAM_INSECURE_TRANSPORT=1`.
   */
  auth?: EnvelopeAuth;
  /**
   * Carry the call context (correlation id, deadline) to nested calls implicitly through
   * AsyncLocalStorage (default true). Costs ~180 ns per awaited promise on Node 20; with it off,
   * pass `{ parent: call }` to nested calls.
   */
  propagation?: boolean;
  /**
   * Invoke contract handlers that have no guard, interceptor or pipe but Seam's door directly,
   * composed once at start-up, instead of through Nest's per-call pipeline (default true; see
   * `fastHandlers`). Turn it off to run every call through Nest's pipeline, e.g. to compare.
   */
  directHandlers?: boolean;
  /** The in-process bus (default: the process-wide one). */
  bus?: InProcessBus;
}

/** {@link SeamTransportOptions} with every default applied. */
export type ResolvedSeamOptions = Required<Omit<SeamTransportOptions, 'bus' | 'tcpServer' | 'tls' | 'redis' | 'auth'>> &
  Pick<SeamTransportOptions, 'bus' | 'tcpServer' | 'tls' | 'redis' | 'auth'>;
