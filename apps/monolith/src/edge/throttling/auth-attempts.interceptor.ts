import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { ErrorCode, SeamError } from '@seam/transport';
import { catchError, from, type Observable, switchMap, tap } from 'rxjs';
import { type EdgeThrottleStore, EDGE_THROTTLE_STORE } from './edge-throttle.store.js';
import { delayAfter } from './failure-delay.js';
import { AUTH_ACCOUNT, type AttemptRequest, subjectsOf, throttleKey } from './auth-subjects.js';
import { THROTTLING_CONFIG, type FailurePolicy, type ThrottlingConfig } from './throttling.config.js';
import { setRetryAfter, TooManyRequestsException } from './too-many-requests.js';

/** The throttler name the failure counters are kept under. */
export const AUTH_FAILURES = 'auth-failures';

/**
 * What answers count as failures: wrong credentials (log-in, 401), an e-mail already taken
 * (register, 409), a wrong current password (password change, 403) — and, counted alike since the
 * code is the same, a password change that lost to a concurrent one (409, rare).
 */
const FAILURES: ReadonlySet<ErrorCode> = new Set([ErrorCode.Unauthorized, ErrorCode.Conflict, ErrorCode.Forbidden]);

/**
 * Progressive delay on log-in and register, per account and per client address. Before the
 * route runs — so before identity hashes anything — an attempt whose account or address is
 * still waiting is refused `429` with `Retry-After`. After it, a failure is counted against both,
 * and past the policy's free failures sets the next wait (see `delayAfter`). Register and log-in
 * share the counters: probing which e-mails exist costs the same through either. A success
 * clears its account's failures (not its address's).
 *
 * On a signed-in route (a password change) it also caps the account's attempts, whatever their
 * outcome, on the throttler guard's `auth-account` counter: the guard runs before the bearer
 * guard, so it cannot know that account, and failures are only counted once answered — without
 * the cap, guesses sent all at once with a stolen token would all reach identity.
 */
@Injectable()
export class AuthAttemptsInterceptor implements NestInterceptor {
  private readonly logger = new Logger('EdgeThrottling');

  constructor(
    @Inject(EDGE_THROTTLE_STORE) private readonly store: EdgeThrottleStore,
    @Inject(THROTTLING_CONFIG) private readonly config: ThrottlingConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const subjects = subjectsOf(http.getRequest<AttemptRequest>());
    const response = http.getResponse<{ setHeader(name: string, value: string): unknown }>();
    const counted: Array<[string, FailurePolicy]> = [[subjects.address, this.config.addressFailures]];
    if (subjects.account) counted.push([subjects.account, this.config.accountFailures]);
    return from(this.capSignedIn(subjects.signedIn ? subjects.account : undefined, response)).pipe(
      switchMap(() => Promise.all(counted.map(([subject]) => this.store.delayLeft(subject)))),
      switchMap((waits) => {
        const wait = Math.max(...waits);
        if (wait > 0) {
          setRetryAfter(response, wait / 1_000);
          throw new TooManyRequestsException(
            `Too many failed attempts from this address or for this account; try again in ${Math.ceil(wait / 1_000)} s`,
          );
        }
        return next.handle();
      }),
      tap({ next: () => void this.succeeded(subjects.account) }),
      catchError((error: unknown) =>
        from(this.failed(error, counted)).pipe(
          switchMap(() => {
            throw error;
          }),
        ),
      ),
    );
  }

  /** Counts an attempt on the signed-in `account` as the guard's `auth-account` throttler would; 429 past its limit. */
  private async capSignedIn(
    account: string | undefined,
    response: { setHeader(name: string, value: string): unknown },
  ): Promise<void> {
    if (!account) return;
    const { limit, ttlMs } = this.config.authPerAccount;
    const { isBlocked, timeToBlockExpire } = await this.store.increment(
      throttleKey(AUTH_ACCOUNT, account),
      ttlMs,
      limit,
      ttlMs,
      AUTH_ACCOUNT,
    );
    if (!isBlocked) return;
    setRetryAfter(response, timeToBlockExpire);
    throw new TooManyRequestsException(
      `Too many requests from this address or for this account; try again in ${Math.max(1, timeToBlockExpire)} s`,
    );
  }

  private async failed(error: unknown, counted: Array<[string, FailurePolicy]>): Promise<void> {
    if (!(error instanceof SeamError) || !FAILURES.has(error.code)) return;
    await Promise.all(
      counted.map(async ([subject, policy]) => {
        const { totalHits } = await this.store.increment(
          subject,
          policy.windowMs,
          Number.MAX_SAFE_INTEGER,
          0,
          AUTH_FAILURES,
        );
        const wait = delayAfter(totalHits, policy);
        if (wait > 0) await this.store.delay(subject, wait);
      }),
    );
  }

  private async succeeded(account: string | undefined): Promise<void> {
    if (!account) return;
    // Best effort: the log-in has succeeded; stale failures only slow this account down a little.
    await this.store
      .forget(account, AUTH_FAILURES)
      .catch((error: unknown) => this.logger.warn(`Could not clear the failures of an account: ${String(error)}`));
  }
}
