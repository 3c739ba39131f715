import { connect } from 'node:net';
import { Redis } from 'ioredis';
import type { Endpoint } from '@seam/transport';

/** How long a transport probe may take before the transport counts as down. */
export const PROBE_TIMEOUT_MS = 1_000;

/**
 * Whether a transport this process serves on is usable from here: a TCP server accepts a
 * connection, a Redis broker answers PING. Resolves with nothing, or rejects with the reason.
 */
export function probeEndpoint(endpoint: Endpoint, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  switch (endpoint.transport) {
    case 'tcp':
      return probeTcp(endpoint.host, endpoint.port, timeoutMs);
    case 'redis':
      return probeRedis(endpoint.url, timeoutMs);
    case 'in-process':
      return Promise.resolve();
  }
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  // A server bound to every interface is probed on loopback.
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection to ${target}:${port} within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(`TCP ${target}:${port}: ${error.message}`));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}

async function probeRedis(url: string, timeoutMs: number): Promise<void> {
  // A short-lived connection: the transport's own connections are busy blocking on streams.
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const timer = new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    await Promise.race([redis.ping(), timer]);
  } catch (error) {
    throw new Error(`Redis: ${(error as Error).message}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}
