import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { type Endpoint, loadIoredis, redisConnectionOptions, type SeamTransportOptions } from '@seam/transport';

/** The transport security of the process probing its own servers (`SeamTransportOptions`). */
export type ProbeSecurity = Pick<SeamTransportOptions, 'tls' | 'redis'>;

/** How long a transport probe may take before the transport counts as down. */
export const PROBE_TIMEOUT_MS = 1_000;

/**
 * Whether a transport this process serves on is usable from here: a TCP server accepts a
 * connection (completing the mutual TLS handshake with the process's own certificate when TCP
 * links use TLS, so that a probe is not counted as a failed handshake), a Redis broker answers
 * PING as the process's own user, over TLS for `rediss://`. Resolves with nothing, or rejects with
 * the reason.
 */
export function probeEndpoint(
  endpoint: Endpoint,
  security: ProbeSecurity = {},
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<void> {
  switch (endpoint.transport) {
    case 'tcp':
      return probeTcp(endpoint.host, endpoint.port, security.tls, timeoutMs);
    case 'redis':
      return probeRedis(endpoint.url, security.redis, timeoutMs);
    case 'in-process':
      return Promise.resolve();
  }
}

function probeTcp(host: string, port: number, tls: ProbeSecurity['tls'], timeoutMs: number): Promise<void> {
  // A server bound to every interface is probed on loopback.
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return new Promise((resolve, reject) => {
    // The probe checks that this process's own server answers, not which name its certificate
    // carries (it dials loopback, not the name others dial).
    const socket = tls
      ? connectTls({
          host: target,
          port,
          key: tls.key,
          cert: tls.cert,
          ca: tls.ca,
          checkServerIdentity: () => undefined,
        })
      : connect({ host: target, port });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(reason));
    };
    socket.setTimeout(timeoutMs, () => fail(`no TCP connection to ${target}:${port} within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(`TCP ${target}:${port}: ${error.message}`));
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.end();
      resolve();
    });
  });
}

async function probeRedis(url: string, security: ProbeSecurity['redis'], timeoutMs: number): Promise<void> {
  // A short-lived connection: the transport's own connections are busy blocking on streams.
  const { Redis } = await loadIoredis();
  const redis = new Redis({
    ...redisConnectionOptions(url, security),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    // One deadline for the connection and the PING: connectTimeout only covers the TCP handshake,
    // and ioredis' ready check (INFO) then waits without limit on a broker that accepts
    // connections but answers nothing (stopped, or wedged), which would hang `/health` with it.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([redis.connect().then(() => redis.ping()), deadline]);
  } catch (error) {
    throw new Error(`Redis: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
