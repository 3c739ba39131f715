// The seam-module schematic on in-memory files (fast cases, all run by one child process, see
// support/run-schematic.mjs): a frozen copy of the files it edits (fixtures/: the repository with its
// five modules), for exact expectations, and the repository's own files, which it must be able to
// extend whatever modules they list by now. seam-module.compose.spec.ts covers its edits of the
// Compose files; seam-module.cli.spec.ts runs it for real, through the Nest CLI, on a copy of the
// repository.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseTopology } from '@seam/runtime';
import * as prettier from 'prettier';
import {
  fixtureText,
  generated as generatedIn,
  MODULES_TS,
  REPOSITORY_ROOT,
  repositoryText,
  runCases,
  type SchematicCase,
  type SchematicResult,
  SHARED_FILES,
  TIMESTAMP,
  unusedName,
} from './support/schematic-cases.js';

const LIVE_NAME = unusedName('gift-cards');

const NOT_KEBAB_CASE = [
  'Shipping',
  'ship_ping',
  'ship ping',
  '-ship',
  'ship-',
  'ship--ping',
  '1ship',
  'ship.ping',
  '../evil',
  'libs/evil',
  '__proto__',
  'shípping',
];
const RESERVED = [
  'seam',
  'seam-toolkit',
  'monolith',
  'test',
  'edge',
  'core',
  'contracts',
  'apps',
  'libs',
  'shared',
  'shipping-service',
  'constructor',
];
const PARTLY_EXISTING: Array<[string, Record<string, string>, string]> = [
  ['a folder under libs/', { 'libs/ghost/README.md': 'notes' }, 'libs/ghost'],
  ['its service app', { 'apps/ghost-service/src/main.ts': '' }, 'apps/ghost-service'],
  [
    'its nest-cli.json project',
    { 'nest-cli.json': JSON.stringify({ projects: { 'ghost-service': {} } }) },
    'nest-cli.json (project ghost-service)',
  ],
  [
    'its name in topologies.json',
    { 'topologies.json': JSON.stringify({ modules: ['ghost'], topologies: {} }) },
    'topologies.json',
  ],
];
const CUSTOM_TOPOLOGIES = {
  modules: ['alpha', 'beta'],
  topologies: {
    edge: {
      monolith: { address: 'tcp://10.0.0.1:5003' },
      modules: {
        alpha: { service: 'tcp://10.0.0.1:5002', httpPort: 5004 },
        beta: { service: 'tcp://10.0.0.1:5001', httpPort: 5005 },
      },
    },
  },
};

/** Names at the edges of what the generator takes, whose length moves where Prettier breaks lines. */
const EXTREME_NAMES = ['a', 'a'.repeat(40), 'international-wholesale-customer-returns'];
/** Modules enough that, with one more, topologies.json's module list no longer fits on its line. */
const MORE_MODULES = ['shipping', 'notifications', 'customer-accounts'];

/** The fixture's topologies.json with `names` added, each placed like the last module (on ports of its own). */
function withModules(names: string[]): string {
  type Placement = string | { service: string; httpPort?: number };
  const document = JSON.parse(fixtureText('topologies.json')) as {
    modules: string[];
    topologies: Record<string, { modules: Record<string, Placement> }>;
  };
  const model = document.modules.at(-1)!;
  for (const [index, name] of names.entries()) {
    document.modules.push(name);
    for (const { modules } of Object.values(document.topologies)) {
      const placement = modules[model]!;
      const shift = (port: number) => port + 50 + index;
      modules[name] =
        typeof placement === 'string'
          ? placement
          : {
              ...placement,
              service: placement.service.replace(/:(\d+)$/, (_, port: string) => `:${shift(Number(port))}`),
              ...(placement.httpPort === undefined ? {} : { httpPort: shift(placement.httpPort) }),
            };
    }
  }
  return JSON.stringify(document);
}

/** The repository's Compose files, which the generator edits too. */
const COMPOSE_FILES = Object.fromEntries(
  ['deploy/compose.yaml', 'deploy/compose.split-redis.yaml'].map((path) => [path, repositoryText(path)]),
);

const FORMATTING_CASES: Array<[string, string]> = [
  ['gift-cards', 'gift-cards'],
  ['on the repository', LIVE_NAME],
  ...EXTREME_NAMES.map((name): [string, string] => [`name of ${name.length}: ${name}`, name]),
  ['more modules', 'gift-cards'],
];

const CASES: SchematicCase[] = [
  {
    id: 'gift-cards',
    options: { name: 'gift-cards' },
    files: {
      'deploy/Dockerfile': 'ARG SEAM_APPS="monolith identity-service catalog-service"\n',
      'deploy/entrypoint.mjs': 'run(process.env.SEAM_APP);\n',
    },
  },
  { id: 'on the repository', options: { name: LIVE_NAME }, live: true },
  {
    id: 'custom topology',
    options: { name: 'gamma' },
    files: { 'topologies.json': JSON.stringify(CUSTOM_TOPOLOGIES) },
  },
  ...[...NOT_KEBAB_CASE, ...RESERVED].map((name) => ({ id: `name ${name}`, options: { name } })),
  { id: 'no name', options: {} },
  { id: 'long name', options: { name: 'a'.repeat(41) } },
  { id: 'existing catalog', options: { name: 'catalog' } },
  ...PARTLY_EXISTING.map(([what, files]) => ({ id: `partly existing: ${what}`, options: { name: 'ghost' }, files })),
  {
    id: 'no marker',
    options: { name: 'ghost' },
    files: { [MODULES_TS]: fixtureText(MODULES_TS).replace(/^.*seam:local-modules.*\n/m, '') },
  },
  { id: 'no topologies.json', options: { name: 'ghost' }, files: { 'topologies.json': undefined } },
  ...EXTREME_NAMES.map((name) => ({
    id: `name of ${name.length}: ${name}`,
    options: { name },
    files: COMPOSE_FILES,
    live: true,
  })),
  { id: 'more modules', options: { name: 'gift-cards' }, files: { 'topologies.json': withModules(MORE_MODULES) } },
  { id: 'twin of gift1', options: { name: 'gift-1' }, files: { 'topologies.json': withModules(['gift1']) } },
];

let results: Map<string, SchematicResult>;
beforeAll(() => {
  results = runCases(CASES);
});

/** The files a successful case produced. */
const generated = (id: string): Record<string, string> => generatedIn(results, id);

/** How a refused case ended (an unrefused case shows as no error). */
const refusal = (id: string) => ({ error: results.get(id)!.error, unchanged: results.get(id)!.unchanged });

describe('seam-module schematic', () => {
  describe('a new module', () => {
    let files: Record<string, string>;
    beforeAll(() => {
      files = generated('gift-cards');
    });

    it('gets contracts, a core with one folder per use case, its data and specs, and its service', () => {
      expect(
        Object.keys(files)
          .filter((path) => path.includes('gift-cards') && !SHARED_FILES.includes(path))
          .toSorted(),
      ).toEqual(
        [
          'apps/gift-cards-service/src/main.ts',
          'apps/gift-cards-service/tsconfig.app.json',
          'libs/gift-cards/contracts/src/gift-cards.contract.ts',
          'libs/gift-cards/contracts/src/gift-cards.dto.ts',
          'libs/gift-cards/contracts/src/gift-cards.events.ts',
          'libs/gift-cards/contracts/src/index.ts',
          'libs/gift-cards/core/src/create-item/create-item.controller.spec.ts',
          'libs/gift-cards/core/src/create-item/create-item.controller.ts',
          'libs/gift-cards/core/src/domain/item.spec.ts',
          'libs/gift-cards/core/src/domain/item.ts',
          'libs/gift-cards/core/src/get-item/get-item.controller.spec.ts',
          'libs/gift-cards/core/src/get-item/get-item.controller.ts',
          'libs/gift-cards/core/src/gift-cards.data.ts',
          'libs/gift-cards/core/src/gift-cards.int-spec.ts',
          'libs/gift-cards/core/src/gift-cards.module.ts',
          'libs/gift-cards/core/src/index.ts',
          'libs/gift-cards/core/src/infrastructure/item.record.ts',
          'libs/gift-cards/core/src/infrastructure/item.repository.ts',
          `libs/gift-cards/core/src/infrastructure/migrations/${TIMESTAMP}-create-item.ts`,
          `libs/gift-cards/core/src/infrastructure/migrations/${TIMESTAMP + 1}-create-gift-cards-messaging.ts`,
          `libs/gift-cards/core/src/infrastructure/migrations/${TIMESTAMP + 2}-index-gift-cards-inbox.ts`,
          'libs/gift-cards/core/src/item.views.ts',
          'libs/gift-cards/core/src/testing/items-on.ts',
        ].toSorted(),
      );
    });

    it('names its classes, patterns and data after the module, and leaves no template syntax behind', () => {
      const contract = files['libs/gift-cards/contracts/src/gift-cards.contract.ts'];
      expect(contract).toContain("export const GiftCardsContract = defineContract('gift-cards', {");
      expect(contract).toMatch(
        /'gift-cards\.create-item'[\s\S]*'gift-cards\.get-item'[\s\S]*'gift-cards\.item\.created'/,
      );
      expect(files['libs/gift-cards/core/src/index.ts']).toContain('export { giftCardsData }');
      expect(files['libs/gift-cards/core/src/gift-cards.data.ts']).toContain(
        `migrations: [CreateItem${TIMESTAMP}, CreateGiftCardsMessaging${TIMESTAMP + 1}, IndexGiftCardsInbox${TIMESTAMP + 2}]`,
      );
      const leftovers = Object.entries(files).filter(([path, text]) => /<%|%>|__\w+(@\w+)?__/.test(path + text));
      expect(leftovers.map(([path]) => path)).toEqual([]);
    });

    it('joins the monolith: imported, and last in LOCAL_MODULES', () => {
      const modules = files['apps/monolith/src/modules.ts'];
      expect(modules).toContain(
        "import { GiftCardsModule, giftCardsData } from '@modules/gift-cards';\n// seam:module-imports",
      );
      expect(modules).toContain(
        '  local(OrdersModule, ordersData),\n  local(GiftCardsModule, giftCardsData),\n  // seam:local-modules',
      );
    });

    it('gets a nest-cli.json project like every other service, after the last one', () => {
      const projects = JSON.parse(files['nest-cli.json']!).projects;
      const payments = JSON.stringify(JSON.parse(fixtureText('nest-cli.json')).projects['payments-service']);
      expect(projects['gift-cards-service']).toEqual(
        JSON.parse(payments.replaceAll('payments-service', 'gift-cards-service')),
      );
      const names = Object.keys(projects);
      expect(names.indexOf('gift-cards-service')).toBe(names.indexOf('orders-service') + 1);
    });

    it('is placed in every topology the way its neighbours are, and every topology still parses', () => {
      const document = JSON.parse(files['topologies.json']!);
      expect(document.modules.at(-1)).toBe('gift-cards');
      const placements = Object.fromEntries(
        Object.entries(document.topologies).map(([name, topology]) => [
          name,
          (topology as { modules: Record<string, unknown> }).modules['gift-cards'],
        ]),
      );
      expect(placements).toEqual({
        monolith: 'monolith',
        'split-tcp': { service: 'tcp://127.0.0.1:4106', httpPort: 9106 },
        'split-redis': { service: 'redis://127.0.0.1:6379' },
        mixed: 'monolith',
      });
      for (const name of Object.keys(document.topologies)) {
        expect(parseTopology(document, name, {}, 'topologies.json').modules).toContain('gift-cards');
      }
      expect(results.get('gift-cards')!.logs).toContain(
        'topology split-tcp: gift-cards runs as a service at tcp://127.0.0.1:4106',
      );
    });

    it('says which deployment files list modules by hand, since it does not edit them (a Dockerfile with a list of apps)', () => {
      expect(results.get('gift-cards')!.logs).toContain(
        'Not generated: deploy/Dockerfile lists modules by hand; add gift-cards there when it should be deployed.',
      );
    });
  });

  describe("the repository's own files, whatever modules they list by now", () => {
    let files: Record<string, string>;
    beforeAll(() => {
      files = generated('on the repository');
    });

    it('keep their markers and their layout: every line stays, the module list only grows', () => {
      const modulesLine = /^ {2}"modules": \[(.*)\],$/;
      for (const path of SHARED_FILES) {
        const after = files[path]!.split('\n');
        const changed = repositoryText(path)
          .split('\n')
          .filter((line) => !after.includes(line) && !after.includes(`${line},`));
        expect({ path, changed: changed.filter((line) => !modulesLine.test(line)) }).toEqual({ path, changed: [] });
      }
      const listed = (text: string) =>
        modulesLine.exec(text.split('\n').find((line) => modulesLine.test(line)) ?? '')?.[1];
      expect(listed(files['topologies.json']!)).toBe(`${listed(repositoryText('topologies.json'))}, "${LIVE_NAME}"`);
    });

    it('give topologies that all still parse, each placing the module', () => {
      const document = JSON.parse(files['topologies.json']!);
      for (const name of Object.keys(document.topologies)) {
        expect(parseTopology(document, name, {}, 'topologies.json').modules).toContain(LIVE_NAME);
      }
    });
  });

  describe('its files, as Prettier formats them (npm run lint runs prettier --check)', () => {
    it.each(FORMATTING_CASES)('%s: every file it creates or rewrites', async (id, name) => {
      const files = generated(id);
      const written = Object.keys(files).filter(
        (path) =>
          path.startsWith(`libs/${name}/`) ||
          path.startsWith(`apps/${name}-service/`) ||
          SHARED_FILES.includes(path) ||
          /^deploy\/.*\.ya?ml$/.test(path),
      );
      expect(written).toEqual(expect.arrayContaining([`libs/${name}/core/src/${name}.int-spec.ts`, ...SHARED_FILES]));
      const unformatted = [];
      for (const path of written) {
        const filepath = join(REPOSITORY_ROOT, path);
        const options = { ...(await prettier.resolveConfig(filepath)), filepath };
        if (!(await prettier.check(files[path]!, options))) unformatted.push(path);
      }
      expect(unformatted).toEqual([]);
    });

    it('spreads the module list of topologies.json once it no longer fits on its line', () => {
      const text = generated('more modules')['topologies.json']!;
      expect(text).toContain(`  "modules": [\n    "identity",\n`);
      expect(JSON.parse(text).modules).toEqual([
        ...JSON.parse(fixtureText('topologies.json')).modules,
        ...MORE_MODULES,
        'gift-cards',
      ]);
    });

    it('breaks an import too long for its line in modules.ts, as Prettier does', () => {
      const name = 'international-wholesale-customer-returns';
      expect(generated(`name of ${name.length}: ${name}`)[MODULES_TS]).toContain(
        [
          'import {',
          '  InternationalWholesaleCustomerReturnsModule,',
          '  internationalWholesaleCustomerReturnsData,',
          `} from '@modules/${name}';`,
          '// seam:module-imports',
        ].join('\n'),
      );
    });
  });

  describe('placement in a custom topology', () => {
    it('takes the next port that nothing in the topology uses, for TCP and for HTTP', () => {
      const topologies = JSON.parse(generated('custom topology')['topologies.json']!);
      expect(topologies.topologies.edge.modules.gamma).toEqual({ service: 'tcp://10.0.0.1:5006', httpPort: 5007 });
    });
  });

  describe('its code', () => {
    it("type-checks its JavaScript against the devkit's types (tsc --checkJs)", () => {
      const tsc = spawnSync(
        process.execPath,
        [
          join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          join(REPOSITORY_ROOT, 'tools/schematics/tsconfig.json'),
        ],
        { encoding: 'utf8' },
      );
      expect({ status: tsc.status, output: tsc.stdout + tsc.stderr }).toEqual({ status: 0, output: '' });
    }, 60_000);
  });

  describe('refusals: nothing is written', () => {
    it.each(NOT_KEBAB_CASE)('refuses %p: not kebab-case', (name) => {
      expect(refusal(`name ${name}`)).toEqual({ error: expect.stringContaining('is not kebab-case'), unchanged: true });
    });

    it.each(RESERVED)('refuses %p: reserved, saying why', (name) => {
      expect(refusal(`name ${name}`)).toEqual({
        error: expect.stringMatching(/^Module name "[a-z-]+" is reserved: \S.*/),
        unchanged: true,
      });
    });

    it('refuses no name, and a name too long for a database schema', () => {
      expect(refusal('no name')).toEqual({ error: expect.stringContaining('Give the module a name'), unchanged: true });
      expect(refusal('long name')).toEqual({
        error: expect.stringContaining('longer than 40 characters'),
        unchanged: true,
      });
    });

    it('refuses a module that exists, naming every place it shows', () => {
      expect(refusal('existing catalog')).toEqual({
        error:
          'Module "catalog" already exists: libs/catalog, apps/catalog-service, topologies.json, nest-cli.json (project catalog-service), apps/monolith/src/modules.ts. ' +
          'Nothing was written; this generator never overwrites, so choose another name.',
        unchanged: true,
      });
    });

    it('refuses a name whose classes another module already has (gift-1 after gift1: Gift1Module)', () => {
      expect(refusal('twin of gift1')).toEqual({
        error:
          'Module name "gift-1" would make the same class names as module "gift1" (Gift1Module): nothing was written; choose another name.',
        unchanged: true,
      });
    });

    it.each(PARTLY_EXISTING)('refuses a module of which only %s exists', (what, _files, trace) => {
      expect(refusal(`partly existing: ${what}`)).toEqual({
        error: expect.stringContaining(`already exists: ${trace}.`),
        unchanged: true,
      });
    });

    it('refuses to edit a modules.ts without its markers, saying where they go', () => {
      expect(refusal('no marker')).toEqual({
        error: expect.stringContaining('has no "// seam:local-modules" line'),
        unchanged: true,
      });
    });

    it('refuses to run outside a Seam repository', () => {
      expect(refusal('no topologies.json')).toEqual({
        error: 'No topologies.json here: run the generator at the root of a Seam repository.',
        unchanged: true,
      });
    });
  });
});
