import type { Redis } from 'ioredis';

/**
 * The replicas that have read a request stream of `module`: the consumers of its group. Empty
 * when no replica has read it yet (no stream or no group).
 */
export async function streamConsumers(redis: Redis, stream: string, module: string): Promise<string[]> {
  try {
    const consumers = (await redis.xinfo('CONSUMERS', stream, module)) as unknown[][];
    return consumers.map((fields) => String(fields[fields.indexOf('name') + 1]));
  } catch {
    return []; // no stream or group yet: no replica has read it
  }
}

/**
 * The entries of `module`'s request `streams` that `replica` has taken and not acknowledged, each
 * as `<stream> <entry id>`.
 */
export async function entriesHeldBy(
  redis: Redis,
  streams: readonly string[],
  module: string,
  replica: string,
): Promise<Set<string>> {
  const held = new Set<string>();
  await Promise.all(
    streams.map(async (stream) => {
      try {
        const entries = (await redis.xpending(stream, module, '-', '+', 10_000, replica)) as Array<[string]>;
        for (const [entryId] of entries) held.add(`${stream} ${entryId}`);
      } catch {
        // no stream or group yet: nothing held there
      }
    }),
  );
  return held;
}

/**
 * Creates `group` on `stream` (and the stream) at `start` — `0`, its first entry, or `$`, its
 * end — unless it exists already.
 */
export async function createGroup(redis: Redis, stream: string, group: string, start: '0' | '$'): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, start, 'MKSTREAM');
  } catch (error) {
    if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
  }
}

/**
 * The consumers of `group` on `stream` that hold no pending entry and have been idle for at least
 * `idleMs`: deleting one loses nothing (a replica that reads again is made a consumer again).
 */
export async function idleConsumers(redis: Redis, stream: string, group: string, idleMs: number): Promise<string[]> {
  const consumers = (await redis.xinfo('CONSUMERS', stream, group)) as unknown[][];
  const idle: string[] = [];
  for (const fields of consumers) {
    // Field names sit at even positions: a consumer could be named "pending".
    const consumer = new Map<unknown, unknown>();
    for (let index = 0; index + 1 < fields.length; index += 2) consumer.set(fields[index], fields[index + 1]);
    if (Number(consumer.get('pending')) === 0 && Number(consumer.get('idle')) >= idleMs)
      idle.push(String(consumer.get('name')));
  }
  return idle;
}
