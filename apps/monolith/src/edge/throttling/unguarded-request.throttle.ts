import { Inject, Injectable } from '@nestjs/common';
import { addressOf, type AttemptRequest, PER_ADDRESS, throttleKey } from './auth-subjects.js';
import { EDGE_THROTTLE_STORE, type EdgeThrottleStore } from './edge-throttle.store.js';
import { THROTTLING_CONFIG, type ThrottlingConfig } from './throttling.config.js';

/**
 * Counts a request answered before the throttle guard saw it on its address's per-address
 * counter, the one `EdgeThrottlerGuard` keeps for every `/api` request. Nest runs guards only
 * once a route has matched and everything before it has passed, so these were never counted:
 * a path no route has (404), a method a path does not allow (405, HEAD to a POST-only route
 * included), a body the JSON parser refused (400, 413), a media type or key refused by the edge's
 * middlewares (415, 400). An address over its limit was still answered each of them in full, and
 * a flood of them went unseen. The problem filter asks before answering one (see
 * `ProblemDetailsFilter`); with the per-address limit off it counts nothing.
 */
@Injectable()
export class UnguardedRequestThrottle {
  constructor(
    @Inject(THROTTLING_CONFIG) private readonly config: ThrottlingConfig,
    @Inject(EDGE_THROTTLE_STORE) private readonly store: EdgeThrottleStore,
  ) {}

  /**
   * Counts `request` and answers how many seconds its address must wait: 0 while it is within
   * its limit (or there is none).
   *
   * @throws what the store throws (Redis unreachable): the request is answered as the guard's are then.
   */
  async blockedFor(request: AttemptRequest): Promise<number> {
    const limit = this.config.perAddress;
    if (!limit) return 0;
    // The guard's own arguments (blockDuration defaults to the window): one counter for both.
    const { isBlocked, timeToBlockExpire } = await this.store.increment(
      throttleKey(PER_ADDRESS, addressOf(request)),
      limit.ttlMs,
      limit.limit,
      limit.ttlMs,
      PER_ADDRESS,
    );
    return isBlocked ? Math.max(1, timeToBlockExpire) : 0;
  }
}
