import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getOptionsToken, getStorageToken } from './nest-throttler.js';
import { AuthAttemptsInterceptor } from './auth-attempts.interceptor.js';
import { EDGE_THROTTLE_STORE, type EdgeThrottleStore } from './edge-throttle.store.js';
import { EdgeThrottlerGuard, throttlerOptionsOf } from './edge-throttler.guard.js';
import { MemoryThrottleStore } from './memory-throttle.store.js';
import { RedisThrottleStore } from './redis-throttle.store.js';
import { THROTTLING_CONFIG, type ThrottlingConfig, throttlingConfigFrom } from './throttling.config.js';
import { TrustProxySetting } from './trust-proxy.setting.js';
import { UnguardedRequestThrottle } from './unguarded-request.throttle.js';

/**
 * Throttling at the HTTP edge: `@nestjs/throttler`'s guard on every `/api` route (per client
 * address; a request refused before the guard runs counts there too: `UnguardedRequestThrottle`)
 * and on log-in and register (per address and per account), plus the progressive delay after
 * failures (`@AuthAttempts()`). Configured from the environment
 * (`throttlingConfigFrom`); tests override `THROTTLING_CONFIG`. State lives in memory, or in
 * Redis when `SEAM_THROTTLE_REDIS_URL` is set (edge replicas must share it).
 */
@Module({
  providers: [
    { provide: THROTTLING_CONFIG, useFactory: () => throttlingConfigFrom() },
    {
      provide: EDGE_THROTTLE_STORE,
      inject: [THROTTLING_CONFIG],
      useFactory: async (config: ThrottlingConfig): Promise<EdgeThrottleStore> =>
        config.redisUrl ? RedisThrottleStore.open(config.redisUrl) : new MemoryThrottleStore(),
    },
    { provide: getStorageToken(), useExisting: EDGE_THROTTLE_STORE },
    { provide: getOptionsToken(), inject: [THROTTLING_CONFIG], useFactory: throttlerOptionsOf },
    { provide: APP_GUARD, useClass: EdgeThrottlerGuard },
    AuthAttemptsInterceptor,
    TrustProxySetting,
    UnguardedRequestThrottle,
  ],
  exports: [THROTTLING_CONFIG, EDGE_THROTTLE_STORE, AuthAttemptsInterceptor, UnguardedRequestThrottle],
})
export class EdgeThrottlingModule {}
