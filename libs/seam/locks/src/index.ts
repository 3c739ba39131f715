export {
  type AcquireOptions,
  type FencingToken,
  type Lock,
  type LockService,
  LockUnavailableError,
} from './lock.service.js';
export { InProcessLockService } from './in-process-lock.service.js';
export { RedisLockService, type RedisLockServiceOptions, redisLockKeys } from './redis-lock.service.js';
export { assertFreshToken, FencedMemoryStore, StaleTokenError } from './fenced-resource.js';
