import { Logger } from '@nestjs/common';

/** Why an envelope (or a reply) was refused. */
export type AuthRejectionReason =
  /** No credentials at all (an unauthenticated peer, or a stock client without the helper). */
  | 'missing'
  /** Credentials or caller name that do not parse. */
  | 'malformed'
  /** No signature for a module this process hosts. */
  | 'not-addressed'
  /** A key id or pair this process holds no key for (another deployment, a retired key, a module that may not talk to it). */
  | 'unknown-key'
  /** The signature does not verify: altered envelope, or signed with another key. */
  | 'bad-signature'
  /** The timestamp is outside the accepted clock skew (an old envelope, or a clock far off). */
  | 'stale'
  /** An envelope already accepted. */
  | 'replay'
  /** A reply without a signature to a signed request. */
  | 'unsigned-reply'
  /** A reply whose signature does not verify. */
  | 'bad-reply-signature'
  /** A TCP link whose handshake proof does not verify, or that proved nothing (see `acceptLink`). */
  | 'link-refused'
  /**
   * An unsigned envelope on a TCP link that has not proven its caller → callee pair, or on a Redis
   * caller stream (ACL identities) that vouches for another caller.
   */
  | 'not-linked';

/** Rejections are logged at most once per interval: a forger must not flood the log. */
const LOG_INTERVAL_MS = 10_000;

/**
 * Counts every refused envelope of this process, by reason (exported in `/metrics`), and logs
 * them in one line at most once per interval, naming the claimed caller and the pattern only —
 * never the credentials.
 */
export class AuthRejections {
  private readonly counts = new Map<AuthRejectionReason, number>();
  private lastLog = Number.NEGATIVE_INFINITY;
  private unlogged = 0;
  private readonly logger = new Logger('SeamAuth');

  /** @internal Records one rejection. */
  record(reason: AuthRejectionReason, caller: string, pattern: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    const now = performance.now();
    if (now - this.lastLog < LOG_INTERVAL_MS) {
      this.unlogged += 1;
      return;
    }
    const more = this.unlogged > 0 ? ` (+${this.unlogged} more refused since the last line)` : '';
    this.lastLog = now;
    this.unlogged = 0;
    this.logger.warn(
      `Refused an envelope claiming to be from ${quoted(caller)} for ${quoted(pattern)}: ${reason}${more}`,
    );
  }

  /** Rejections so far by reason, sorted: a snapshot. */
  snapshot(): Array<[reason: AuthRejectionReason, count: number]> {
    return [...this.counts].toSorted(([a], [b]) => (a < b ? -1 : 1));
  }

  /** Rejections so far for `reason`. */
  count(reason: AuthRejectionReason): number {
    return this.counts.get(reason) ?? 0;
  }
}

/**
 * Text a refused peer chose, fit for one log line: quoted as JSON (a line break or a quote of its
 * own cannot end the line or the field and forge another entry) and cut to 100 characters.
 */
function quoted(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

/** This process's count of refused envelopes (see {@link AuthRejections}). */
export const authRejections = new AuthRejections();
