import { describe, expect, it } from '@jest/globals';
import { loadTopology, parseTopology } from '@seam/runtime';
import { clusterPlan, parseRedisUrl } from '../../tools/deploy/cluster-plan.js';
import { shippedTopology, TOPOLOGY_FILE } from './support/shipped.js';

/** A topology whose catalog and payments are reached at the given Redis addresses. */
const overRedis = (catalog: string, payments: string) =>
  parseTopology(
    {
      modules: ['catalog', 'payments'],
      topologies: {
        r: { modules: { catalog: { service: catalog }, payments: { service: payments } } },
      },
    },
    'r',
    {},
    'test',
  );

describe('clusterPlan over Redis', () => {
  it('keeps TLS that --redis-url asks for (rediss://) in every address, which the pods then load as TLS', () => {
    const plan = clusterPlan(shippedTopology('split-redis'), 'rediss://redis.infra:6380');
    const addresses = Object.values(plan.addresses);
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set(['rediss://redis.infra:6380']));
    expect(plan.redis).toEqual({ host: 'redis.infra', port: 6380 });
    const seen = loadTopology({ ...plan.addresses, SEAM_TOPOLOGY: 'split-redis', SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
    for (const { module, address } of seen.services)
      expect({ module, url: address.transport === 'redis' ? address.url : address.transport }).toEqual({
        module,
        url: 'rediss://redis.infra:6380',
      });
  });

  it("keeps TLS that the topology's address asks for, with its mode and database, whatever --redis-url's scheme", () => {
    const topology = overRedis('rediss://127.0.0.1:6379/2', 'rediss-pubsub://127.0.0.1:6379');
    for (const redisUrl of [undefined, 'redis://cache:6379'])
      expect(clusterPlan(topology, redisUrl === undefined ? {} : { redisUrl }).addresses).toEqual({
        SEAM_CATALOG_ADDRESS: `rediss://${redisUrl ? 'cache' : 'redis'}:6379/2`,
        SEAM_PAYMENTS_ADDRESS: `rediss-pubsub://${redisUrl ? 'cache' : 'redis'}:6379`,
      });
  });

  it('leaves plain Redis plain when neither side asks for TLS', () => {
    expect(clusterPlan(overRedis('redis://127.0.0.1:6379/3', 'redis://127.0.0.1:6379')).addresses).toEqual({
      SEAM_CATALOG_ADDRESS: 'redis://redis:6379/3',
      SEAM_PAYMENTS_ADDRESS: 'redis://redis:6379',
    });
  });

  it.each([
    [
      'redis://redis:6379/5',
      /must be only a scheme, host and port, got "redis:\/\/redis:6379\/5": each module's database number comes from its topology address/,
    ],
    ['rediss://redis:6380/0', /must be only a scheme, host and port/],
    ['redis://redis:6379?tls=true', /must be only a scheme, host and port/],
    ['redis-pubsub://redis:6379', /must be redis:\/\/host:port or rediss:\/\/host:port/],
    ['rediss://:hunter2@redis:6380', /must not carry credentials/],
  ])('refuses --redis-url %s with the reason, never dropping part of it silently', (redisUrl, reason) => {
    expect(() => parseRedisUrl(redisUrl)).toThrow(reason);
    expect(() => clusterPlan(shippedTopology('split-redis'), redisUrl)).toThrow(reason);
    expect(() => parseRedisUrl(redisUrl)).not.toThrow(/hunter2/);
  });
});
