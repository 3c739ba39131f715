import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys.js';

/**
 * The replicas that have read `module`'s request stream: the consumers of its group. Empty when
 * no replica has read it yet (no stream or no group).
 */
export async function streamConsumers(redis: Redis, module: string): Promise<string[]> {
  try {
    const consumers = (await redis.xinfo('CONSUMERS', redisKeys.requests(module), module)) as unknown[][];
    return consumers.map((fields) => String(fields[fields.indexOf('name') + 1]));
  } catch {
    return []; // no stream or group yet: no replica has read it
  }
}

/** The ids of the request entries of `module` that `replica` has taken and not acknowledged. */
export async function entriesHeldBy(redis: Redis, module: string, replica: string): Promise<Set<string>> {
  try {
    const entries = (await redis.xpending(redisKeys.requests(module), module, '-', '+', 10_000, replica)) as Array<
      [string, ...unknown[]]
    >;
    return new Set(entries.map(([entryId]) => entryId));
  } catch {
    return new Set();
  }
}
