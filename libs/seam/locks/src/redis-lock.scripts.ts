// KEYS[1] = lock key, KEYS[2] = fence key (same hash slot). ARGV[1] = owner value, ARGV[2] = ttl ms.
// SET NX and INCR in one script: no acquirer can get a token without the lock, nor the lock
// without a token, and tokens follow the order in which the lock was won.
export const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

// KEYS[1] = lock key. ARGV[1] = owner value. Deletes only the caller's own lease.
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// KEYS[1] = lock key. ARGV[1] = owner value, ARGV[2] = ttl ms. Extends only the caller's own lease.
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;
