import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { databaseConfigFromEnv } from '@seam/persistence';
import { loadTopology, meshAuthFromEnv, transportOptionsFor } from '@seam/runtime';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import { REPOSITORY_ROOT, repositoryFile, shippedTopology, TOPOLOGY_FILE } from './support/shipped.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  ports?: string[];
  configs?: Array<{ source: string; target: string }>;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  configs: Record<string, { content: string }>;
}

const FILE = 'deploy/compose.monolith-replicas.yaml';
const compose = parse(repositoryFile(FILE)) as ComposeFile;
const { monolith, proxy, postgres, redis } = compose.services;
/** Compose's `${VAR:?message}`: required, refused when unset or empty. */
const REQUIRED = /^\$\{(\w+):\?[^}]*\}$/;

describe('deploy/compose.monolith-replicas.yaml', () => {
  it('is valid against the Compose specification schema and passes dclint', () => {
    const linter = new DCLinter({
      rules: { 'require-quotes-in-ports': [1, { quoteType: 'double' }] },
      quiet: true,
      debug: false,
      exclude: [],
    });
    const results: Array<{ messages: Array<{ rule: string; message: string }> }> = linter.lintFiles(
      [join(REPOSITORY_ROOT, FILE)],
      false,
    );
    expect(results.flatMap(({ messages }) => messages.map(({ rule, message }) => `${rule}: ${message}`))).toEqual([]);
  });

  it('runs the monolith topology as two copies or more, reachable only through the proxy', () => {
    expect(monolith!.environment).toMatchObject({ SEAM_APP: 'monolith', SEAM_TOPOLOGY: 'monolith' });
    expect(monolith!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    // A fixed host port would let only one copy start; the proxy is the one way in, on loopback.
    expect(monolith!.ports).toBeUndefined();
    expect(Object.entries(compose.services).filter(([, service]) => service.ports)).toEqual([
      ['proxy', expect.objectContaining({ ports: ['127.0.0.1:3000:3000'] })],
    ]);
    // Every module in each copy, none reached over the network: no mesh keys to hand out.
    const topology = loadTopology({ ...monolith!.environment, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
    expect(topology.monolith.modules).toEqual(shippedTopology('monolith').modules);
    const warn = () => {
      throw new Error('asked for mesh keys');
    };
    expect(
      meshAuthFromEnv(monolith!.environment!, transportOptionsFor(topology, { kind: 'monolith' }), { warn }),
    ).toEqual({});
  });

  it('spreads requests over the copies by their DNS name, on the port they listen on', () => {
    const caddyfile = compose.configs[proxy!.configs![0]!.source]!.content;
    expect(proxy!.configs).toEqual([{ source: 'proxy', target: '/etc/caddy/Caddyfile' }]);
    expect(caddyfile).toContain(`dynamic a monolith ${monolith!.environment!.PORT}`);
    expect(caddyfile).toMatch(/lb_policy round_robin/);
    expect(caddyfile).toMatch(/^:3000 \{/);
    // Behind one hop: the client's address is the proxy's X-Forwarded-For.
    expect(monolith!.environment!.SEAM_TRUST_PROXY).toBe('1');
  });

  it('gives every copy the same data, keys and rate-limit counters', () => {
    const environment = monolith!.environment!;
    const database = databaseConfigFromEnv({
      ...environment,
      DATABASE_URL: environment.DATABASE_URL!.replace(/\$\{[^}]*\}/, 'password'),
    });
    expect(database).toMatchObject({ kind: 'postgres' });
    const url = new URL((database as { url: string }).url);
    expect([url.hostname, url.username, url.pathname]).toEqual([
      'postgres',
      postgres!.environment!.POSTGRES_USER,
      `/${postgres!.environment!.POSTGRES_DB}`,
    ]);
    // Shared secrets are required variables: compose refuses to start a copy without one.
    for (const key of ['JWT_SECRET', 'PAYMENTS_CARD_FINGERPRINT_KEY', 'SEAM_ADMIN_PASSWORD']) {
      expect({ key, required: REQUIRED.test(environment[key] ?? '') }).toEqual({ key, required: true });
      expect(repositoryFile('deploy/.env.example')).toMatch(new RegExp(`^${key}=$`, 'm'));
    }
    expect(environment.SEAM_THROTTLE_REDIS_URL).toBe('redis://redis:6379');
    expect(redis!.image).toMatch(/^redis:/);
  });

  it('health-checks every service and starts each after what it depends on is healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {}))
        expect({ name, target, exists: target in compose.services, condition }).toEqual({
          name,
          target,
          exists: true,
          condition: 'service_healthy',
        });
    }
    expect(monolith!.healthcheck!.test).toEqual(['CMD', 'node', 'deploy/healthcheck.mjs']);
    expect(Object.keys(monolith!.depends_on!).toSorted()).toEqual(['postgres', 'redis']);
    expect(monolith!.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' });
  });
});
