import type { LoggerService } from '@nestjs/common';

/** The part of a Nest logger an outage is reported through. */
export type OutageLogger = Pick<LoggerService, 'warn' | 'log'>;

/** A Redis connection (ioredis), as far as its failures go. */
export interface WatchedConnection {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'end', listener: () => void): unknown;
}

/** Reasons logged per outage at most: a message that embeds something changing must not turn into one line per attempt. */
const MAX_REASONS_PER_OUTAGE = 4;

/** The one reason given for everything that is not an answer of Redis: a lost or refused connection reads differently from one attempt to the next. */
const UNREACHABLE = 'unreachable';

/**
 * Reports the failures of a process's Redis connections through its logger, once per outage.
 * ioredis emits `error` on every failed reconnection attempt (Seam's backoff: 50 ms growing to
 * 1 s between attempts, per connection) and, when nothing listens, prints each as "[ioredis] Unhandled error event" with a
 * stack; Nest's Redis transport logs each as an error. Here the first failure of an outage is a
 * warning with its reason, an answer of Redis not given yet in the same outage another one (it came
 * back refusing the credentials: WRONGPASS, say), and the end of the outage one line with the
 * number of failed attempts, once every connection that failed is ready again. The ways a socket
 * fails (reset while reading, while writing, on connecting…) count as one reason.
 */
export class RedisOutageLog {
  private readonly failing = new Set<WatchedConnection>();
  /** The reasons logged during the current outage ({@link UNREACHABLE}, or Redis's answer). */
  private readonly reasons = new Set<string>();
  private failures = 0;

  /** @param where who reports, e.g. `Redis streams server (redis://10.0.0.5:6379)` */
  constructor(
    private readonly where: string,
    private readonly logger: OutageLogger,
  ) {}

  /** Listens to the failures of `connection` (which also stops ioredis printing them); `name` says which connection it is. */
  watch(connection: WatchedConnection, name?: string): void {
    connection.on('error', (error) => this.failed(connection, error, name));
    connection.on('ready', () => this.recovered(connection));
    // Closed for good: it will not come back, and must not keep the outage open.
    connection.on('end', () => this.failing.delete(connection));
  }

  private failed(connection: WatchedConnection, error: Error, name: string | undefined): void {
    this.failing.add(connection);
    this.failures++;
    const reason = reasonOf(error);
    // ioredis passes Redis's own error replies on as ReplyError (redis-errors).
    const kind = error.name === 'ReplyError' ? reason : UNREACHABLE;
    if (this.reasons.has(kind) || this.reasons.size >= MAX_REASONS_PER_OUTAGE) return;
    const first = this.reasons.size === 0;
    this.reasons.add(kind);
    const which = name ? ` (${name})` : '';
    this.logger.warn(
      first
        ? `${this.where}: Redis connection failed${which}: ${reason}; reconnecting, without logging each attempt`
        : `${this.where}: Redis connection still failing${which}: ${reason}`,
    );
  }

  private recovered(connection: WatchedConnection): void {
    this.failing.delete(connection);
    if (this.failing.size > 0 || this.reasons.size === 0) return;
    this.logger.log(`${this.where}: Redis connections are back after ${this.failures} failed attempt(s)`);
    this.reasons.clear();
    this.failures = 0;
  }
}

/**
 * What went wrong, in one line. A connection to a name with several addresses (`localhost`: ::1
 * and 127.0.0.1) fails with an AggregateError whose own message is empty.
 */
function reasonOf(error: Error): string {
  const { errors } = error as Partial<AggregateError>;
  if (Array.isArray(errors) && errors.length > 0)
    return errors.map((inner: unknown) => (inner as Error)?.message ?? String(inner)).join('; ');
  return error.message || error.name || String(error);
}
