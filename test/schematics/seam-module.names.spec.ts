// Names the generator must refuse although they are kebab-case, because what it would make of them
// cannot work: a name Windows keeps for a device, one whose Kubernetes NetworkPolicy would replace
// the default one, one whose classes collide with a name already bound where they land (the
// generated code would not compile). And `npm run add:module` hands the name to the schematic as
// typed: the engine reads an option value that looks like a number or a boolean as one, so
// `--name=<name>` turned an empty name into 0 and refused it as "must be string".
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generated, MODULES_TS, REPOSITORY_ROOT, runCases, type SchematicResult } from './support/schematic-cases.js';

const DEVICE_NAMES = ['con', 'prn', 'aux', 'nul', 'com1', 'lpt9'];

let results: Map<string, SchematicResult>;
beforeAll(() => {
  results = runCases([
    ...DEVICE_NAMES.map((name) => ({ id: name, options: { name } })),
    { id: 'default-deny', options: { name: 'default-deny' } },
    { id: 'local', options: { name: 'local' } },
    { id: 'define-module', options: { name: 'define-module' } },
    // Its classes (ItemModule, ItemItemView, …) sit next to the template's Item, ItemRecord, …
    { id: 'item', options: { name: 'item' } },
  ]);
});

const refusal = (id: string) => ({ error: results.get(id)!.error, unchanged: results.get(id)!.unchanged });

describe('seam-module schematic: names that would not work', () => {
  it.each(DEVICE_NAMES)('refuses %p: a device name on Windows', (name) => {
    expect(refusal(name)).toEqual({
      error: expect.stringMatching(new RegExp(`^Module name "${name}" is reserved: it is a device name on Windows`)),
      unchanged: true,
    });
  });

  it('refuses default-deny: deploy:k8s has a NetworkPolicy seam-default-deny, which its own would replace', () => {
    expect(refusal('default-deny')).toEqual({
      error: expect.stringMatching(
        /^Module name "default-deny" is reserved: npm run deploy:k8s names its default NetworkPolicy seam-default-deny/,
      ),
      unchanged: true,
    });
  });

  it("refuses local: LocalModule is the interface the monolith's module list declares", () => {
    expect(refusal('local')).toEqual({
      error:
        `Module name "local" would make LocalModule, a name ${MODULES_TS} already uses: the generated code ` +
        'would not compile. Nothing was written; choose another name.',
      unchanged: true,
    });
  });

  it('refuses define-module: defineModuleData is the function its data file imports', () => {
    expect(refusal('define-module')).toEqual({
      error:
        'Module name "define-module" would make defineModuleData, a name libs/define-module/core/src/define-module.data.ts ' +
        'already uses: the generated code would not compile. Nothing was written; choose another name.',
      unchanged: true,
    });
  });

  it('still generates a module whose name is a word of the templates (item)', () => {
    expect(generated(results, 'item')).toHaveProperty(['libs/item/core/src/item.module.ts']);
  });
});

describe('npm run add:module', () => {
  /** The command in dry-run mode (nothing is written) at the repository's root: its status and output. */
  const addModule = (name: string) => {
    const result = spawnSync(
      process.execPath,
      [join(REPOSITORY_ROOT, 'tools/schematics/add-module.js'), name, '--dry-run'],
      { cwd: REPOSITORY_ROOT, encoding: 'utf8' },
    );
    return { status: result.status, output: stripVTControlCharacters(result.stdout + result.stderr) };
  };

  it('refuses an empty name by asking for one', () => {
    expect(addModule('')).toEqual({ status: 1, output: expect.stringContaining('Give the module a name') });
  });

  it('refuses a name of digits as not kebab-case, naming it as typed', () => {
    expect(addModule('123')).toEqual({
      status: 1,
      output: expect.stringContaining('Module name "123" is not kebab-case'),
    });
  });

  it('takes a kebab-case name that reads as a boolean (true) as that name', () => {
    const { status, output } = addModule('true');

    expect({ status, output }).toEqual({
      status: 0,
      output: expect.stringContaining('CREATE libs/true/core/src/true.module.ts'),
    });
    expect(output).toContain('Dry run enabled. No files written to disk.');
  });
});
