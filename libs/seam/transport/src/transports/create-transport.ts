import type { CustomTransportStrategy } from '@nestjs/microservices';
import { type Endpoint, endpointKey, isBroker } from '../module/endpoint.js';
import type { ResolvedSeamOptions } from '../module/seam-options.js';
import { InProcessClient } from './in-process/in-process.client.js';
import { InProcessServer } from './in-process/in-process.server.js';
import { SeamRedisPubSubClient } from './redis/redis-pubsub.client.js';
import { SeamRedisPubSubServer } from './redis/redis-pubsub.server.js';
import { RedisStreamsClient } from './redis/redis-streams.client.js';
import { RedisStreamsServer } from './redis/redis-streams.server.js';
import { SeamTcpClient } from './tcp/seam-tcp.client.js';
import { SeamTcpServer } from './tcp/seam-tcp.server.js';
import type { SeamTransportClient } from './transport-client.js';

/** Creates the client that reaches `endpoint`. */
export function createTransportClient(endpoint: Endpoint, options: ResolvedSeamOptions): SeamTransportClient {
  const limits = {
    maxMessageBytes: options.maxMessageBytes,
    incompleteFrameTimeoutMs: options.incompleteFrameTimeoutMs,
  };
  switch (endpoint.transport) {
    case 'in-process':
      return new InProcessClient({ bus: options.bus, maxMessageBytes: options.maxMessageBytes });
    case 'tcp':
      return new SeamTcpClient({
        host: endpoint.host,
        port: endpoint.port,
        ...limits,
        tls: options.tls,
        auth: options.auth,
        modules: modulesAt(endpoint, options),
      });
    case 'redis': {
      const redis = {
        url: endpoint.url,
        maxMessageBytes: options.maxMessageBytes,
        suspectAfterMs: endpoint.suspectAfterMs,
        security: options.redis,
        auth: options.auth,
      };
      return endpoint.mode === 'pubsub' ? new SeamRedisPubSubClient(redis) : new RedisStreamsClient(redis);
    }
  }
}

/** The modules the topology places at `endpoint`, other than this process's own. */
function modulesAt(endpoint: Endpoint, options: ResolvedSeamOptions): string[] {
  const key = endpointKey(endpoint);
  return Object.entries(options.endpoints)
    .filter(([module, at]) => !options.hosted.includes(module) && endpointKey(at) === key)
    .map(([module]) => module);
}

/**
 * The servers this process must run: the in-process server for its hosted modules, plus one
 * server per distinct endpoint through which other processes reach a hosted module.
 */
export function createTransportServers(options: ResolvedSeamOptions): CustomTransportStrategy[] {
  const byEndpoint = new Map<string, { endpoint: Endpoint; modules: string[] }>();
  for (const module of options.hosted) {
    const endpoint = options.endpoints[module];
    if (!endpoint || endpoint.transport === 'in-process') continue;
    const key = endpointKey(endpoint);
    const group = byEndpoint.get(key) ?? { endpoint, modules: [] };
    group.modules.push(module);
    byEndpoint.set(key, group);
  }
  const brokerFed = new Set([...byEndpoint.values()].filter((g) => isBroker(g.endpoint)).flatMap((g) => g.modules));
  const servers: CustomTransportStrategy[] = [
    new InProcessServer({
      hosted: options.hosted,
      eventIntake: options.hosted.filter((module) => !brokerFed.has(module)),
      bus: options.bus,
      maxMessageBytes: options.maxMessageBytes,
      propagation: options.propagation,
    }),
  ];
  for (const { endpoint, modules } of byEndpoint.values()) {
    servers.push(createRemoteServer(endpoint, modules, options));
  }
  return servers;
}

function createRemoteServer(
  endpoint: Endpoint,
  hosted: string[],
  options: ResolvedSeamOptions,
): CustomTransportStrategy {
  const common = {
    hosted,
    maxMessageBytes: options.maxMessageBytes,
    propagation: options.propagation,
    auth: options.auth,
  };
  switch (endpoint.transport) {
    case 'tcp':
      return new SeamTcpServer({
        ...common,
        host: endpoint.host,
        port: endpoint.port,
        incompleteFrameTimeoutMs: options.incompleteFrameTimeoutMs,
        ...options.tcpServer,
        tls: options.tls,
      });
    case 'redis':
      return endpoint.mode === 'pubsub'
        ? new SeamRedisPubSubServer({ ...common, url: endpoint.url, security: options.redis })
        : new RedisStreamsServer({ ...common, url: endpoint.url, security: options.redis });
    case 'in-process':
      throw new Error('An in-process endpoint has no server of its own');
  }
}
