export {
  type AcquireOptions,
  type FencingToken,
  InvalidLockOptionError,
  type Lock,
  type LockService,
  LockUnavailableError,
} from './lock.service.js';
export { MAX_LOCK_DURATION_MS } from './acquire-options.js';
export { InProcessLockService } from './in-process-lock.service.js';
export { RedisLockService, type RedisLockServiceOptions, redisLockKeys } from './redis-lock.service.js';
export { assertFreshToken, FencedMemoryStore, StaleTokenError } from './fenced-resource.js';
