import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { MESSAGING_TABLES } from '@seam/messaging';
import { loadModulesDocInput, ModulesDocError } from '../../tools/docs-modules/load-modules-doc.js';
import { ownedTables, OwnedTablesError } from '../../tools/docs-modules/owned-tables.js';

const scratch = mkdtempSync(join(tmpdir(), 'seam-docs-modules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A repository root under the scratch folder holding `files` (path → text). */
function fixtureRoot(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CORE = 'libs/alpha/core/src';
const CONTRACT = `import { defineContract, EDGE, event, request } from '@seam/transport';
export const AlphaContract = defineContract('alpha', {
  doIt: request({ pattern: 'alpha.do-it', callers: [CALLERS], request: A, response: A }),
  itHappened: event({ pattern: 'alpha.it.happened', subscribers: ['beta'], payload: A }),
});
`;
const TOPOLOGIES = {
  modules: ['alpha', 'beta'],
  topologies: {
    monolith: { description: 'one process', modules: { alpha: 'monolith', beta: 'monolith' } },
    split: {
      description: 'alpha alone',
      monolith: { address: 'tcp://127.0.0.1:4100' },
      modules: { alpha: { service: 'tcp://127.0.0.1:4101', httpPort: 9101 }, beta: 'monolith' },
    },
    scaled: {
      description: 'alpha alone, three copies',
      monolith: { address: 'redis://127.0.0.1:6379' },
      modules: { alpha: { service: 'redis://127.0.0.1:6379', replicas: 3 }, beta: 'monolith' },
    },
  },
};

describe('loadModulesDocInput', () => {
  const repository = (callers: string) =>
    fixtureRoot(`repo-${callers.replaceAll(/\W/g, '')}`, {
      'libs/alpha/contracts/src/alpha.contract.ts': CONTRACT.replace('CALLERS', callers),
      'libs/beta/core/src/beta.module.ts': 'export class BetaModule {}\n',
      'topologies.json': JSON.stringify(TOPOLOGIES),
      'nest-cli.json': JSON.stringify({ projects: { monolith: { root: 'apps/monolith' } } }),
    });

  it('reads the contracts, every module, the deployables of every topology and the Nest projects', () => {
    const input = loadModulesDocInput(repository("EDGE, 'beta'"));

    expect(input.modules.toSorted()).toEqual(['alpha', 'beta']);
    expect(input.entries).toEqual([
      expect.objectContaining({ pattern: 'alpha.do-it', allowed: ['edge', 'beta'], contract: 'AlphaContract' }),
      expect.objectContaining({ pattern: 'alpha.it.happened', allowed: ['beta'], name: 'itHappened' }),
    ]);
    expect(input.placements).toEqual([
      // The copies each topology asks for: one monolith (not deploy:k8s's default of two).
      { topology: 'monolith', app: 'monolith', hosts: ['alpha', 'beta'], replicas: 1 },
      { topology: 'split', app: 'monolith', hosts: ['beta'], replicas: 1 },
      { topology: 'split', app: 'alpha-service', hosts: ['alpha'], replicas: 1 },
      { topology: 'scaled', app: 'monolith', hosts: ['beta'], replicas: 1 },
      { topology: 'scaled', app: 'alpha-service', hosts: ['alpha'], replicas: 3 },
    ]);
    expect(input.projects).toEqual({ monolith: 'apps/monolith' });
  });

  it('refuses a caller constant the contract reader cannot resolve, naming it', () => {
    expect(() => loadModulesDocInput(repository('SOMEONE'))).toThrow(ModulesDocError);
    expect(() => loadModulesDocInput(repository('SOMEONE'))).toThrow(/AlphaContract\.doIt: "SOMEONE"/);
  });
});

describe('ownedTables', () => {
  it("lists the module's entity tables, the tables its migrations create and the messaging tables, not its specs'", () => {
    const root = fixtureRoot('tables', {
      [`${CORE}/widget.record.ts`]: "@Entity({ name: 'widget' })\n@Unique('u', ['a'])\nexport class WidgetRecord {}\n",
      [`${CORE}/part.record.ts`]: "@Entity('part')\nexport class PartRecord {}\n",
      [`${CORE}/migrations/1-create.ts`]:
        "await queryRunner.createTable(new Table({ name: 'widget', columns: [] }));\n" +
        "await queryRunner.createTable(new Table({\n  name: 'widget_log',\n}));\nawait createMessagingTables(queryRunner);\n",
      [`${CORE}/widget.spec.ts`]: "@Entity({ name: 'spec_only' })\nexport class SpecRecord {}\n",
    });

    expect(ownedTables(root, 'alpha')).toEqual([
      { name: 'part', entity: 'PartRecord' },
      { name: MESSAGING_TABLES.inbox, messaging: 'inbox' },
      { name: MESSAGING_TABLES.outbox, messaging: 'outbox' },
      { name: MESSAGING_TABLES.deadLetters, messaging: 'dead letters' },
      { name: 'widget', entity: 'WidgetRecord' },
      { name: 'widget_log' },
    ]);
  });

  it('has nothing for a module without a core', () => {
    expect(ownedTables(fixtureRoot('no-core', {}), 'alpha')).toEqual([]);
  });

  it('refuses an entity whose table name is not a literal, naming the file', () => {
    const root = fixtureRoot('unnamed', { [`${CORE}/thing.record.ts`]: '@Entity()\nexport class ThingRecord {}\n' });

    expect(() => ownedTables(root, 'alpha')).toThrow(OwnedTablesError);
    expect(() => ownedTables(root, 'alpha')).toThrow(/thing\.record\.ts/);
  });
});
