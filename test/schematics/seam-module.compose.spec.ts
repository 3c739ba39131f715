// The seam-module schematic's edits of the Compose files under deploy/: the new module's service,
// cloned from the file's last module service, reached at the address and port its topology gives.
// Exact expectations on a frozen copy (fixtures/deploy/), and the repository's own files checked
// the way test/deploy/compose.spec.ts checks them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { overrideName } from '@seam/runtime';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import {
  fixtureText,
  generated as generatedIn,
  repositoryText,
  runCases,
  type SchematicCase,
  type SchematicResult,
  unusedName,
} from './support/schematic-cases.js';

const COMPOSE = 'deploy/compose.yaml';
const SPLIT_REDIS = 'deploy/compose.split-redis.yaml';
const LIVE_NAME = unusedName('gift-cards');

/** The fixture compose.yaml as a file of another topology, or printed in another style. */
const variant = (path: string, from: string, to: string): string => {
  const text = fixtureText(path);
  if (!text.includes(from)) throw new Error(`${path} has no "${from}"`);
  return text.replace(from, to);
};

const CASES: SchematicCase[] = [
  {
    id: 'fixture',
    options: { name: 'gift-cards' },
    files: {
      [COMPOSE]: fixtureText(COMPOSE),
      [SPLIT_REDIS]: fixtureText(SPLIT_REDIS),
      'deploy/Dockerfile': 'FROM node:20\nRUN npx nest build --all\n',
    },
  },
  { id: 'first in order', options: { name: 'accounts' }, files: { [COMPOSE]: fixtureText(COMPOSE) } },
  {
    id: 'variants',
    options: { name: 'gift-cards' },
    files: {
      'deploy/mixed.yaml': variant(COMPOSE, 'SEAM_TOPOLOGY: split-tcp', 'SEAM_TOPOLOGY: mixed'),
      'deploy/padded.yaml': variant(
        COMPOSE,
        '["CMD", "node", "deploy/healthcheck.mjs"]',
        '[ "CMD", "node", "deploy/healthcheck.mjs" ]',
      ),
      'deploy/replicas.yaml': variant(
        SPLIT_REDIS,
        '  orders:\n    depends_on:\n      redis:\n        condition: service_healthy\n    environment: *redis-env\n',
        '  orders:\n    depends_on:\n      redis:\n        condition: service_healthy\n    environment: *redis-env\n    deploy:\n      replicas: 3\n',
      ),
      'deploy/tools/compose.yaml': 'services:\n  postgres:\n    image: postgres:17-alpine\n',
    },
  },
  { id: 'clash', options: { name: 'redis' }, files: { [COMPOSE]: fixtureText(COMPOSE) } },
  {
    id: 'secrets',
    options: { name: 'gift-cards' },
    files: {
      // The orders service's keys file, named but not defined: the copy cannot get one of its own.
      'deploy/undefined.yaml': variant(COMPOSE, '  mesh-keys-orders:\n    file: ./mesh-keys/orders.json\n', ''),
      // A secret every service shares is the copy's too; only the model's own is replaced.
      'deploy/shared.yaml': variant(
        COMPOSE,
        '      - mesh-keys-orders\n',
        '      - mesh-keys-orders\n      - source: ca-bundle\n        target: ca.pem\n',
      ).replace('  mesh-keys-catalog:\n', '  ca-bundle:\n    file: ./tls/ca.pem\n  mesh-keys-catalog:\n'),
    },
  },
  {
    id: 'on the repository',
    options: { name: LIVE_NAME },
    live: true,
    files: { [COMPOSE]: repositoryText(COMPOSE), [SPLIT_REDIS]: repositoryText(SPLIT_REDIS) },
  },
];

let results: Map<string, SchematicResult>;
beforeAll(() => {
  results = runCases(CASES);
});
const generated = (id: string): Record<string, string> => generatedIn(results, id);

/** `text` with `added` inserted before the first occurrence of `anchor`. */
function insertedBefore(text: string, anchor: string, added: string): string {
  const at = text.indexOf(anchor);
  if (at === -1) throw new Error(`no "${anchor}" in the fixture`);
  return `${text.slice(0, at)}${added}${text.slice(at)}`;
}

describe('seam-module schematic: the Compose files', () => {
  describe('a new module, in the frozen copy', () => {
    it("gets compose.yaml's shape: its service like the last module's, its address in the shared environment, awaited by the monolith", () => {
      let expected = fixtureText(COMPOSE);
      expected = insertedBefore(
        expected,
        '  # The password goes into a URL',
        '  SEAM_GIFT_CARDS_ADDRESS: tcp://gift-cards:4106\n',
      );
      expected = insertedBefore(
        expected,
        '      identity:\n        condition: service_healthy\n',
        '      gift-cards:\n        condition: service_healthy\n',
      );
      expected = insertedBefore(
        expected,
        '  identity:\n',
        '  gift-cards:\n    <<: *seam-service\n    environment:\n      <<: *seam-env\n      SEAM_APP: gift-cards-service\n      PORT: "9106"\n      SEAM_MESH_KEYS_FILE: /run/secrets/mesh-keys-gift-cards\n    secrets:\n      - mesh-keys-gift-cards\n\n',
      );
      // Its own keys file, not a copy of the orders service's.
      expected = insertedBefore(
        expected,
        '  mesh-keys-identity:\n',
        '  mesh-keys-gift-cards:\n    file: ./mesh-keys/gift-cards.json\n',
      );
      expect(generated('fixture')[COMPOSE]).toBe(expected);
    });

    it("gets compose.split-redis.yaml's shape: on the same Redis, one copy", () => {
      let expected = fixtureText(SPLIT_REDIS);
      expected = insertedBefore(expected, '\nname: seam', '  SEAM_GIFT_CARDS_ADDRESS: redis://redis:6379\n');
      expected = insertedBefore(
        expected,
        '  identity:\n',
        '  gift-cards:\n    depends_on:\n      redis:\n        condition: service_healthy\n    environment: *redis-env\n\n',
      );
      expect(generated('fixture')[SPLIT_REDIS]).toBe(expected);
    });

    it('says what it added to each file, and names no deployment file as left to do', () => {
      const { logs } = results.get('fixture')!;
      expect(logs).toContain(
        `${SPLIT_REDIS}: service gift-cards (a copy of orders) in topology split-redis, SEAM_GIFT_CARDS_ADDRESS=redis://redis:6379`,
      );
      expect(logs).toContain(
        `${COMPOSE}: service gift-cards (a copy of orders) in topology split-tcp, SEAM_GIFT_CARDS_ADDRESS=tcp://gift-cards:4106, PORT 9106, its own secret mesh-keys-gift-cards, awaited by monolith`,
      );
      expect(logs.filter((line) => line.startsWith('Not generated'))).toEqual([]);
    });

    it('goes first when its name sorts first, keeping one blank line between services', () => {
      const text = generated('first in order')[COMPOSE]!;
      expect(text).toContain('services:\n  accounts:\n    <<: *seam-service\n');
      expect(text).toContain(
        '      PORT: "9106"\n      SEAM_MESH_KEYS_FILE: /run/secrets/mesh-keys-accounts\n    secrets:\n      - mesh-keys-accounts\n\n  catalog:\n',
      );
      // First among the secrets too, under the comment that heads them.
      expect(text).toContain(
        "secrets:\n  # Each process's own keys file, mounted into its service only.\n  mesh-keys-accounts:\n    file: ./mesh-keys/accounts.json\n  mesh-keys-catalog:\n",
      );
      expect(text).toContain('    depends_on:\n      accounts:\n        condition: service_healthy\n      catalog:\n');
    });
  });

  describe('files it leaves alone', () => {
    it('a file of a topology that runs the module in the monolith, saying so', () => {
      expect(generated('variants')['deploy/mixed.yaml']).toBe(
        variant(COMPOSE, 'SEAM_TOPOLOGY: split-tcp', 'SEAM_TOPOLOGY: mixed'),
      );
      expect(results.get('variants')!.logs).toContain(
        'deploy/mixed.yaml: unchanged, gift-cards runs in the monolith in topology mixed',
      );
    });

    it('a file it would reformat, naming it as left to do by hand', () => {
      expect(generated('variants')['deploy/padded.yaml']).toBe(
        variant(COMPOSE, '["CMD", "node", "deploy/healthcheck.mjs"]', '[ "CMD", "node", "deploy/healthcheck.mjs" ]'),
      );
      expect(results.get('variants')!.logs).toContain(
        'Not generated: deploy/padded.yaml lists modules, but the yaml package would not print it back unchanged, so editing it would reformat it; add gift-cards there by hand when it should be deployed.',
      );
    });

    it('a Compose file that runs no module', () => {
      expect(generated('variants')['deploy/tools/compose.yaml']).toBe(
        'services:\n  postgres:\n    image: postgres:17-alpine\n',
      );
      expect(results.get('variants')!.logs.filter((line) => line.includes('deploy/tools'))).toEqual([]);
    });
  });

  it('gives the copy the replicas its own topology asks for, not those of the service it copies', () => {
    const services = (
      parse(generated('variants')['deploy/replicas.yaml']!) as { services: Record<string, { deploy?: unknown }> }
    ).services;
    expect(services.orders!.deploy).toEqual({ replicas: 3 });
    expect(services['gift-cards']).toEqual({
      depends_on: { redis: { condition: 'service_healthy' } },
      environment: expect.any(Object),
    });
  });

  it('refuses a module named like a service of a Compose file, writing nothing', () => {
    expect({ error: results.get('clash')!.error, unchanged: results.get('clash')!.unchanged }).toEqual({
      error:
        'Module name "redis" is taken: deploy/compose.yaml: it has a service named "redis" already. Nothing was written; choose another name.',
      unchanged: true,
    });
  });

  describe('secrets', () => {
    it('leaves a file alone when the copied service names a keys secret the file does not define', () => {
      expect(generated('secrets')['deploy/undefined.yaml']).toBe(
        variant(COMPOSE, '  mesh-keys-orders:\n    file: ./mesh-keys/orders.json\n', ''),
      );
      expect(results.get('secrets')!.logs).toContain(
        'Not generated: deploy/undefined.yaml lists modules, but its service orders uses the secret mesh-keys-orders, which the file does not define; add gift-cards there by hand when it should be deployed.',
      );
    });

    it("gives the copy its own keys and the shared secrets, never the copied service's keys", () => {
      type Services = Record<string, { secrets?: unknown[]; environment: Record<string, string> }>;
      const file = parse(generated('secrets')['deploy/shared.yaml']!, { merge: true }) as {
        services: Services;
        secrets: Record<string, { file: string }>;
      };
      expect(file.services['gift-cards']!.secrets).toEqual([
        'mesh-keys-gift-cards',
        { source: 'ca-bundle', target: 'ca.pem' },
      ]);
      expect(file.services['gift-cards']!.environment.SEAM_MESH_KEYS_FILE).toBe('/run/secrets/mesh-keys-gift-cards');
      expect(file.services.orders!.secrets).toEqual(['mesh-keys-orders', { source: 'ca-bundle', target: 'ca.pem' }]);
      expect(file.secrets['mesh-keys-gift-cards']).toEqual({ file: './mesh-keys/gift-cards.json' });
      expect(file.secrets['ca-bundle']).toEqual({ file: './tls/ca.pem' });
      expect(Object.keys(file.secrets).filter((name) => name.startsWith('ca-bundle'))).toEqual(['ca-bundle']);
    });
  });

  describe("the repository's own Compose files, whatever modules they run by now", () => {
    let files: Record<string, string>;
    let scratch: string;
    beforeAll(() => {
      files = generated('on the repository');
      scratch = mkdtempSync(join(tmpdir(), 'seam-schematic-compose-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('keep every line: the module is only added', () => {
      for (const path of [COMPOSE, SPLIT_REDIS]) {
        const after = files[path]!.split('\n');
        expect({
          path,
          removed: repositoryText(path)
            .split('\n')
            .filter((line) => !after.includes(line)),
        }).toEqual({ path, removed: [] });
        expect({ path, grown: after.length > repositoryText(path).split('\n').length }).toEqual({ path, grown: true });
      }
    });

    it('run the module as its topology places it: its app, its HTTP port, its address in every process', () => {
      const topologies = JSON.parse(files['topologies.json']!) as {
        topologies: Record<string, { modules: Record<string, { service: string; httpPort?: number }> }>;
      };
      const tcp = topologies.topologies['split-tcp']!.modules[LIVE_NAME]!;
      type Services = Record<string, { environment: Record<string, string>; depends_on?: Record<string, unknown> }>;
      const base = (parse(files[COMPOSE]!, { merge: true }) as { services: Services }).services;
      expect(base[LIVE_NAME]!.environment).toMatchObject({
        SEAM_APP: `${LIVE_NAME}-service`,
        SEAM_TOPOLOGY: 'split-tcp',
        PORT: String(tcp.httpPort),
      });
      for (const service of Object.values(base).filter(({ environment }) => environment?.SEAM_APP)) {
        expect(service.environment[overrideName(LIVE_NAME)]).toBe(`tcp://${LIVE_NAME}:${new URL(tcp.service).port}`);
      }
      expect(Object.keys(base.monolith!.depends_on!)).toContain(LIVE_NAME);
      // Its own mesh keys, in the file the generator writes for it, and no other process's.
      const keys = `mesh-keys-${LIVE_NAME}`;
      expect((base[LIVE_NAME] as { secrets?: unknown }).secrets).toEqual([keys]);
      expect(base[LIVE_NAME]!.environment.SEAM_MESH_KEYS_FILE).toBe(`/run/secrets/${keys}`);
      const definitions = (parse(files[COMPOSE]!) as { secrets: Record<string, { file: string }> }).secrets;
      expect(definitions[keys]).toEqual({ file: `./mesh-keys/${LIVE_NAME}.json` });
      const split = parse(files[SPLIT_REDIS]!, { merge: true }) as {
        services: Services;
        secrets: Record<string, { file: string }>;
      };
      const redis = split.services;
      expect(redis[LIVE_NAME]!.environment[overrideName(LIVE_NAME)]).toBe('redis://redis:6379');
      // Over Redis, its own Redis user, with the password file the generator writes for it.
      const password = `redis-password-${LIVE_NAME}`;
      expect(redis[LIVE_NAME]!.environment).toMatchObject({
        SEAM_REDIS_USERNAME: `seam-${LIVE_NAME}`,
        SEAM_REDIS_PASSWORD_FILE: `/run/secrets/${password}`,
      });
      expect((redis[LIVE_NAME] as { secrets?: unknown }).secrets).toEqual([password]);
      expect(split.secrets[password]).toEqual({ file: `./mesh-keys/${LIVE_NAME}.redis-password` });
    });

    it('still pass dclint, as test/deploy/compose.spec.ts runs it', () => {
      const paths = [COMPOSE, SPLIT_REDIS].map((path) => join(scratch, path.replace('deploy/', '')));
      [COMPOSE, SPLIT_REDIS].forEach((path, index) => writeFileSync(paths[index]!, files[path]!));
      const linter = new DCLinter({
        rules: { 'service-keys-order': 0, 'require-quotes-in-ports': [1, { quoteType: 'double' }] },
        quiet: true,
        debug: false,
        exclude: [],
      });
      const linted: Array<{ filePath: string; messages: Array<{ rule: string; message: string }> }> = linter.lintFiles(
        paths,
        false,
      );
      expect(
        linted.flatMap(({ filePath, messages }) =>
          messages.map((message) => `${filePath}: ${message.rule}: ${message.message}`),
        ),
      ).toEqual([]);
      expect(linted).toHaveLength(2);
    });
  });
});
