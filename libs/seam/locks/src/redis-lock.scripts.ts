// KEYS[1] = lock key, KEYS[2] = fence key (same hash slot). ARGV[1] = owner value, ARGV[2] = ttl ms.
// SET NX and the fence increment in one script: no acquirer can get a token without the lock, nor
// the lock without a token, and tokens follow the order in which the lock was won.
//
// The token is the larger of the counter + 1 and Redis's clock in µs (a hybrid logical clock).
// A plain INCR starts again from 1 when Redis loses its keys (no persistence, or a failover to a
// replica that lagged): a new acquirer was then handed the token of a holder whose lease it cannot
// yet know is gone, and the fenced resource accepted both (equal = the same holder). The clock
// floor puts every token after a loss above every token before it, so long as Redis's clock did not
// go back by more than the outage lasted. Microseconds stay below 2^53 until the year 2255.
// string.format('%d'): Lua's tostring of a number this size drops digits (1.79669e+15).
//
// A lease already holding this acquirer's owner value is its own: the client sent the script again
// (ioredis resends what a lost connection left unanswered) after Redis had run it. Its token is
// the counter's value, which no one can have moved since: only an acquisition moves it, and the
// key was this owner's throughout. Before, the second run answered "held" and the lease stayed in
// Redis, held by no one, for its whole ttl.
export const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] then
  return tonumber(redis.call('GET', KEYS[2]))
end
if not held and redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local token = redis.call('INCR', KEYS[2])
  local now = redis.call('TIME')
  local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
  if token < floor then
    token = floor
    redis.call('SET', KEYS[2], string.format('%d', token))
  end
  return token
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
