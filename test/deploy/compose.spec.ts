import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadTopology, overrideName, parseAddress, transportOptionsFor } from '@seam/runtime';
import type { Endpoint } from '@seam/transport';
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
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const FILES = { base: 'deploy/compose.yaml', splitRedis: 'deploy/compose.split-redis.yaml' };
/** Compose's `${VAR:?message}`: required, refused when unset or empty. */
const REQUIRED = /\$\{(\w+):\?[^}]*\}/;
const everyRequired = () => new RegExp(REQUIRED.source, 'g');

const read = (path: string): ComposeFile => parse(repositoryFile(path), { merge: true }) as ComposeFile;

/** Compose's merge of several files, for what these use: maps merge key by key, the rest is replaced. */
function merged(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) result[key] = key in base ? merged(base[key], value) : value;
  return result;
}
const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const variants: Array<[string, string, ComposeFile]> = [
  ['compose.yaml', 'split-tcp', read(FILES.base)],
  [
    'compose.yaml + compose.split-redis.yaml',
    'split-redis',
    merged(read(FILES.base), read(FILES.splitRedis)) as ComposeFile,
  ],
];

describe('deploy/compose.yaml', () => {
  it('is valid against the Compose specification schema and passes dclint', () => {
    const linter = new DCLinter({
      rules: {
        // It ranks YAML's merge key `<<` as an unknown key to put last; the files keep it first, where a reader looks.
        'service-keys-order': 0,
        // Quoted ports, in the double quotes Prettier writes YAML strings with (.prettierrc.json).
        'require-quotes-in-ports': [1, { quoteType: 'double' }],
      },
      quiet: true,
      debug: false,
      exclude: [],
    });
    // Typed here: dclint's declarations import their siblings without extensions, which nodenext does not follow.
    const results: Array<{ filePath: string; messages: Array<{ rule: string; message: string }> }> = linter.lintFiles(
      Object.values(FILES).map((path) => join(REPOSITORY_ROOT, path)),
      false,
    );
    expect(
      results.flatMap(({ filePath, messages }) =>
        messages.map((message) => `${filePath}: ${message.rule}: ${message.message}`),
      ),
    ).toEqual([]);
    expect(results).toHaveLength(2);
  });

  describe.each(variants)('%s (topology %s)', (_files, topologyName, compose) => {
    const topology = shippedTopology(topologyName);
    const services = compose.services;
    const seam = Object.entries(services).filter(([, service]) => service.environment?.SEAM_APP);

    it('runs every process of the topology, each as the compose service named after it', () => {
      const expected = [
        ['monolith', 'monolith'],
        ...topology.services.map(({ module }) => [module, `${module}-service`]),
      ];
      expect(seam.map(([service, { environment }]) => [service, environment!.SEAM_APP]).toSorted()).toEqual(
        expected.toSorted(),
      );
      for (const [service, { environment }] of seam)
        expect({ service, topology: environment!.SEAM_TOPOLOGY }).toEqual({ service, topology: topologyName });
    });

    it('points every SEAM_*_ADDRESS at the compose service that serves the module, on the port the topology gives', () => {
      /** Which compose service an address reaches, and what that service runs there. */
      const destination = (address: string): string => {
        const endpoint = parseAddress(address);
        const [host, port] =
          endpoint.transport === 'tcp'
            ? [endpoint.host, String(endpoint.port)]
            : endpoint.transport === 'redis'
              ? [new URL(endpoint.url).hostname, new URL(endpoint.url).port]
              : ['', ''];
        const target = services[host];
        if (!target) return `no compose service "${host}"`;
        return `${endpoint.transport === 'redis' ? `${endpoint.mode} on ` : ''}${host} (${target.environment?.SEAM_APP ?? target.image}), port ${port}`;
      };
      /** Where the topology says the module is reached: its own service over TCP, or the Redis service. */
      const expected = (module: string, written: Endpoint): string =>
        written.transport === 'tcp'
          ? `${module} (${module}-service), port ${written.port}`
          : written.transport === 'redis'
            ? `${written.mode} on redis (${services.redis?.image}), port ${new URL(written.url).port}`
            : 'in-process';
      for (const [service, { environment }] of seam) {
        const addresses = Object.entries(environment!).filter(([key]) => /^SEAM_\w+_ADDRESS$/.test(key));
        expect({
          service,
          destinations: Object.fromEntries(addresses.map(([key, address]) => [key, destination(address)])),
        }).toEqual({
          service,
          destinations: Object.fromEntries(
            topology.services.map(({ module, address }) => [overrideName(module), expected(module, address)]),
          ),
        });
        // What the process itself makes of this environment, with the image's topology file.
        const options = loadTopology({ ...environment, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
        const role =
          service === 'monolith' ? ({ kind: 'monolith' } as const) : ({ kind: 'service', module: service } as const);
        expect(() => transportOptionsFor(options, role)).not.toThrow();
      }
    });

    it('runs as many copies as the topology says and listens for HTTP on its httpPort', () => {
      const actual = topology.services.map(({ module }) => [
        module,
        services[module]!.deploy?.replicas ?? 1,
        services[module]!.environment!.PORT,
      ]);
      // httpPort 0 means any free port; a container has its own, so the compose file may fix one.
      const anyPort = expect.stringMatching(/^\d+$/);
      expect(actual).toEqual(
        topology.services.map(({ module, replicas, httpPort }) => [
          module,
          replicas,
          httpPort === 0 ? anyPort : String(httpPort),
        ]),
      );
      expect(services.monolith!.environment!.PORT).toBe('3000');
    });

    it('health-checks every service and starts each after what it depends on is healthy', () => {
      for (const [name, service] of Object.entries(services)) {
        expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
        for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
          expect({ name, target, exists: target in services, condition }).toEqual({
            name,
            target,
            exists: true,
            condition: 'service_healthy',
          });
        }
      }
      for (const [name, service] of seam)
        expect({ name, test: service.healthcheck!.test }).toEqual({
          name,
          test: ['CMD', 'node', 'deploy/healthcheck.mjs'],
        });
      expect(Object.keys(services.monolith!.depends_on!).toSorted()).toEqual(
        expect.arrayContaining(topology.services.map(({ module }) => module)),
      );
    });

    it('runs one image everywhere, built once from deploy/Dockerfile', () => {
      expect(new Set(seam.map(([, service]) => service.image))).toEqual(new Set(['${SEAM_IMAGE:-seam:local}']));
      const builders = seam.filter(([, service]) => service.build);
      expect(builders.map(([service]) => service)).toEqual(['monolith']);
      const { context, dockerfile } = builders[0]![1].build!;
      expect(resolve(REPOSITORY_ROOT, 'deploy', context)).toBe(resolve(REPOSITORY_ROOT));
      expect(existsSync(join(REPOSITORY_ROOT, dockerfile))).toBe(true);
    });
  });

  it('commits no secret: every secret is a required variable, and .env.example names each one, empty', () => {
    const { services } = read(FILES.base);
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!/SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(key)) continue;
        const withoutVariables = value.replace(everyRequired(), '');
        expect({ name, key, required: REQUIRED.test(value) }).toEqual({ name, key, required: true });
        expect({
          name,
          key,
          literal: /:[^/:@]+@/.test(withoutVariables) || (!key.includes('URL') && withoutVariables !== ''),
        }).toEqual({ name, key, literal: false });
      }
    }
    const required = new Set(
      [
        ...Object.values(FILES)
          .map(repositoryFile)
          .join('\n')
          .replaceAll(/^\s*#.*$/gm, '')
          .matchAll(everyRequired()),
      ].map((match) => match[1]),
    );
    const example = repositoryFile('deploy/.env.example');
    for (const variable of required) expect(example).toMatch(new RegExp(`^${variable}=$`, 'm'));
  });
});
