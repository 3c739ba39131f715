/** Why a Seam TCP server closed (or refused) a connection. */
export type TcpRejectionReason =
  /** A length prefix that is not a decimal number. */
  | 'invalid-length'
  /** A complete frame whose body is not JSON. */
  | 'invalid-json'
  /** A frame declared or grown above the frame limit. */
  | 'frame-too-large'
  /** A frame not completed within `incompleteFrameTimeoutMs` of its first byte. */
  | 'frame-deadline'
  /** A new connection that completed no frame within `firstFrameTimeoutMs`. */
  | 'first-frame-timeout'
  /** New data that would take the server over `maxBufferedBytes`. */
  | 'buffer-limit'
  /** A peer that reads none of its answers while more pile up for it. */
  | 'send-buffer-full'
  /** A connection beyond `maxConnections`, closed on arrival. */
  | 'connection-limit'
  /** The socket failed (e.g. the peer reset it). */
  | 'socket-error'
  /** A TLS handshake that failed: no certificate, one the CA did not sign, plain TCP, timeout. */
  | 'tls-handshake';

/** Reasons that are malformed frames, as opposed to limits and timeouts. */
const BAD_FRAME: ReadonlySet<TcpRejectionReason> = new Set(['invalid-length', 'invalid-json', 'frame-too-large']);

/** Longest detail quoted in a log line: a detail may echo what the peer sent. */
const MAX_DETAIL_CHARS = 160;

/** Counts of rejections by reason, since the server was created. */
export type TcpRejectionCounts = Readonly<Record<TcpRejectionReason, number>>;

/**
 * Counts every rejection exactly and logs them at most once per interval, one line without a
 * stack: the first of a quiet spell at once (with its peer and detail), the rest as one summary
 * line at the end of each interval in which any happened. A peer sending garbage in a loop can
 * therefore neither flood the log nor hide from the counters.
 */
export class TcpRejections {
  private readonly total = zeroCounts();
  private unlogged = zeroCounts();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly where: string,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Rejections so far, by reason (a copy). */
  get counts(): TcpRejectionCounts {
    return { ...this.total };
  }

  /** Malformed frames so far (invalid length, invalid JSON, too large). */
  get badFrames(): number {
    let sum = 0;
    for (const reason of BAD_FRAME) sum += this.total[reason];
    return sum;
  }

  /** Counts one rejection of `peer`, and logs it unless a line was logged within the interval. */
  record(reason: TcpRejectionReason, peer: string, detail: string): void {
    this.total[reason] += 1;
    if (this.timer) {
      this.unlogged[reason] += 1;
      return;
    }
    this.log(`${this.where} dropped a connection from ${peer}: ${reason} (${clip(detail)})`);
    this.startInterval();
  }

  /** Logs what is still unlogged and stops the interval timer (the server is closing). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.logUnlogged();
  }

  private startInterval(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.logUnlogged()) this.startInterval();
    }, this.intervalMs);
    this.timer.unref(); // a quiet server must not be kept alive to say nothing
  }

  /** Logs one summary line if anything is unlogged; returns whether it did. */
  private logUnlogged(): boolean {
    const parts = Object.entries(this.unlogged)
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason} ${count}`);
    if (parts.length === 0) return false;
    const count = Object.values(this.unlogged).reduce((sum, n) => sum + n, 0);
    this.unlogged = zeroCounts();
    this.log(`${this.where} dropped ${count} more connection(s) within ${this.intervalMs} ms: ${parts.join(', ')}`);
    return true;
  }
}

function zeroCounts(): Record<TcpRejectionReason, number> {
  return {
    'invalid-length': 0,
    'invalid-json': 0,
    'frame-too-large': 0,
    'frame-deadline': 0,
    'first-frame-timeout': 0,
    'buffer-limit': 0,
    'send-buffer-full': 0,
    'connection-limit': 0,
    'socket-error': 0,
    'tls-handshake': 0,
  };
}

/** One line, at most MAX_DETAIL_CHARS: details may quote peer input (newlines included). */
function clip(detail: string): string {
  const line = detail.replaceAll(/\s+/g, ' ');
  return line.length > MAX_DETAIL_CHARS ? `${line.slice(0, MAX_DETAIL_CHARS)}…` : line;
}
