import { connect } from 'node:net';
import { Redis } from 'ioredis';

/** The Redis lock tests use: `REDIS_URL`, or the local default of the project machine. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Why Redis suites cannot run here, or `undefined` when they can. Suites skip themselves with
 * this reason in their title, so a skipped suite says why.
 */
export async function redisUnavailableReason(url = TEST_REDIS_URL): Promise<string | undefined> {
  const { host } = new URL(url);
  try {
    // A plain TCP probe first: a refused ioredis connection leaves timers behind for ~2 s,
    // which keeps jest from exiting when the suite is skipped.
    await reachable(url);
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
    return undefined;
  } catch (error) {
    return `no Redis at ${host} (${(error as Error).message})`;
  }
}

function reachable(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1_500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error('connection timed out')));
    socket.once('error', reject);
  });
}
