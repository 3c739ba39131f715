import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadTopology, meshAuthFromEnv, overrideName, parseAddress, transportOptionsFor } from '@seam/runtime';
import { type Endpoint, MeshKeys } from '@seam/transport';
import { DCLinter } from 'dclint';
import { COMPOSE_MESH_KEYS_DIR, writeComposeMeshKeys } from '../../tools/deploy/compose-mesh-keys.js';
import { COMPOSE_FILES as FILES, composeVariants } from './support/compose-files.js';
import { REPOSITORY_ROOT, repositoryFile, shippedTopology, TOPOLOGY_FILE } from './support/shipped.js';

/** Compose's `${VAR:?message}`: required, refused when unset or empty. */
const REQUIRED = /\$\{(\w+):\?[^}]*\}/;
const everyRequired = () => new RegExp(REQUIRED.source, 'g');

const variants = composeVariants();

/** Where compose mounts a secret given by name (the short syntax, which these files use). */
const SECRETS_DIR = '/run/secrets';

describe('deploy/compose.yaml', () => {
  // Keys as `npm run mesh:keys:compose` writes them, into a folder of the test's own.
  const keysRoot = mkdtempSync(join(tmpdir(), 'compose-mesh-keys-'));
  afterAll(() => rmSync(keysRoot, { recursive: true, force: true }));

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
    const overRedis = topology.services.some(({ address }) => address.transport === 'redis');

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

    it('mounts into each process its own mesh keys file and no other, and points SEAM_MESH_KEYS_FILE at it', () => {
      const secrets = compose.secrets ?? {};
      for (const [service, definition] of Object.entries(services)) {
        const mounted = (definition.secrets ?? []).map((secret) =>
          typeof secret === 'string' ? secret : secret.source,
        );
        const environment = definition.environment ?? {};
        const own = `mesh-keys-${service}`;
        // postgres holds no keys; each Seam process exactly its own (and over Redis, its Redis
        // password); Redis, over Redis, the users' file.
        const expected = environment.SEAM_APP
          ? [own, ...(overRedis ? [`redis-password-${service}`] : [])]
          : service === 'redis' && overRedis
            ? ['redis-users']
            : [];
        expect({ service, mounted }).toEqual({ service, mounted: expected });
        if (!environment.SEAM_APP) continue;
        expect({ service, secret: definition.secrets![0] }).toEqual({ service, secret: own });
        expect({ service, file: environment.SEAM_MESH_KEYS_FILE }).toEqual({ service, file: `${SECRETS_DIR}/${own}` });
        expect({ service, file: secrets[own]?.file && resolve(REPOSITORY_ROOT, 'deploy', secrets[own].file) }).toEqual({
          service,
          file: join(REPOSITORY_ROOT, COMPOSE_MESH_KEYS_DIR, `${service}.json`),
        });
        // Neither the inline document nor the development opt-out: keys come from the file alone.
        expect({ service, inline: environment.SEAM_MESH_KEYS, insecure: environment.SEAM_INSECURE_TRANSPORT }).toEqual({
          service,
          inline: undefined,
          insecure: undefined,
        });
      }
      // No keys file defined for a process that is not there, and no two secrets naming one file.
      expect(Object.keys(secrets).toSorted()).toEqual(
        [
          ...seam.map(([service]) => `mesh-keys-${service}`),
          ...(overRedis ? [...seam.map(([service]) => `redis-password-${service}`), 'redis-users'] : []),
        ].toSorted(),
      );
      const files = Object.values(secrets).map(({ file }) => file);
      expect(new Set(files).size).toBe(files.length);
    });

    it('starts every process with the keys the generator writes: each speaks as itself and holds only its own pairs', () => {
      const dir = join(keysRoot, topologyName);
      writeComposeMeshKeys({ dir, topology: topologyName, cwd: REPOSITORY_ROOT, env: {} });
      const options = loadTopology({ SEAM_TOPOLOGY: topologyName, SEAM_TOPOLOGY_FILE: TOPOLOGY_FILE });
      for (const [service, { environment }] of seam) {
        // The container's /run/secrets/<name> is the compose secret's file; here, the generated one.
        const secret = basename(environment!.SEAM_MESH_KEYS_FILE!);
        const generated = join(dir, basename(compose.secrets![secret]!.file!));
        const role =
          service === 'monolith' ? ({ kind: 'monolith' } as const) : ({ kind: 'service', module: service } as const);
        const readSecret = (path: string) => {
          expect(path).toBe(`${SECRETS_DIR}/${secret}`);
          return readFileSync(generated, 'utf8');
        };
        const warn = () => {
          throw new Error(`${service} fell back to unauthenticated envelopes`);
        };
        expect({
          service,
          auth: !!meshAuthFromEnv(environment!, transportOptionsFor(options, role), { warn }, readSecret).auth,
        }).toEqual({
          service,
          auth: true,
        });
        const keys = MeshKeys.parse(readFileSync(generated, 'utf8'));
        const speaksAs = service === 'monolith' ? 'edge' : service;
        expect({ service, peers: keys.peersOf(speaksAs).length > 0 }).toEqual({ service, peers: true });
        // Another process's own pairs are not in this file.
        const other = seam.map(([name]) => name).find((name) => name !== service && name !== 'monolith')!;
        const stranger = seam.map(([name]) => name).find((name) => ![service, other, 'monolith'].includes(name))!;
        expect({ service, other, stranger, key: keys.key('k1', other, stranger) }).toEqual({
          service,
          other,
          stranger,
          key: undefined,
        });
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
    const { services } = variants[0]![2]; // compose.yaml alone
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
