// `nest g -c @seam/schematics seam-module` for real: the Nest CLI, the installed collection and a
// copy of the repository (apps, libs, the tools and the configuration; node_modules linked). The
// module it adds must type-check, pass its own tests and the architecture check there, leave every
// file it writes as Prettier formats it, and a second module whose core imports the first one's
// core must fail that check, naming the rule.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a module's generation (its Compose files too), type-check, tests, formatting and architecture check need. */
const COPIED = [
  'apps',
  'libs',
  'tools/architecture',
  'tools/schematics',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'topologies.json',
  'package.json',
  'jest.config.js',
  'deploy',
  '.prettierrc.json',
  '.prettierignore',
];
const NEST = 'node_modules/@nestjs/cli/bin/nest.js';

/** A module name the repository does not use (yet): `base`, else `base-2`, `base-3`, … */
function unusedName(base: string): string {
  const modules = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'topologies.json'), 'utf8')).modules as string[];
  let name = base;
  for (let suffix = 2; modules.includes(name) || existsSync(join(REPOSITORY_ROOT, 'libs', name)); suffix += 1)
    name = `${base}-${suffix}`;
  return name;
}
// Not the README's example (shipping): a repository that followed it must still pass this test.
const FIRST = unusedName('parcels');
const SECOND = unusedName('invoices');

interface Run {
  status: number | null;
  output: string;
}

/** Runs a command in the copy; resolves with its exit status and its stdout and stderr together, uncoloured. */
function run(copy: string, command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output: stripVTControlCharacters(output) }));
  });
}
const node = (copy: string, ...args: string[]) => run(copy, process.execPath, args);

/** Every file under the copy's apps/ and libs/, and the shared files, with a hash of its content. */
function fingerprint(copy: string): Record<string, string> {
  const files = ['topologies.json', 'nest-cli.json'];
  for (const dir of ['apps', 'libs']) {
    for (const path of readdirSync(join(copy, dir), { recursive: true }) as string[]) {
      if (statSync(join(copy, dir, path)).isFile()) files.push(join(dir, path));
    }
  }
  return Object.fromEntries(
    files.map((path) => [
      path,
      createHash('sha1')
        .update(readFileSync(join(copy, path)))
        .digest('hex'),
    ]),
  );
}

describe('nest g -c @seam/schematics seam-module, on a copy of the repository', () => {
  let copy: string;
  let generation: Run;

  beforeAll(async () => {
    if (!existsSync(join(REPOSITORY_ROOT, 'node_modules/@seam/schematics/collection.json'))) {
      throw new Error(
        '@seam/schematics is not installed in node_modules: run npm install (it is a file: devDependency of the repository)',
      );
    }
    copy = mkdtempSync(join(tmpdir(), 'seam-schematics-'));
    for (const path of COPIED) {
      cpSync(join(REPOSITORY_ROOT, path), join(copy, path), {
        recursive: true,
        filter: (source) => !/(^|\/)(dist|node_modules)(\/|$)/.test(relative(REPOSITORY_ROOT, source)),
      });
    }
    mkdirSync(join(copy, 'test')); // a root of jest.config.js
    symlinkSync(join(REPOSITORY_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    generation = await node(copy, NEST, 'g', '-c', '@seam/schematics', 'seam-module', FIRST, '-p', 'monolith');
  }, 60_000);
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  describe('a new module', () => {
    it('is generated and wired through the Nest CLI, which lists what it created and updated', () => {
      expect(generation.status).toBe(0);
      for (const line of [
        `CREATE libs/${FIRST}/contracts/src/${FIRST}.contract.ts`,
        `CREATE libs/${FIRST}/core/src/${FIRST}.module.ts`,
        `CREATE apps/${FIRST}-service/src/main.ts`,
      ]) {
        expect(generation.output).toContain(line);
      }
      for (const file of ['topologies.json', 'nest-cli.json', 'apps/monolith/src/modules.ts'])
        expect(generation.output).toContain(`UPDATE ${file}`);
    });

    it('leaves every file it creates or updates as Prettier formats it (npm run lint checks them)', async () => {
      const written = [...generation.output.matchAll(/^(?:CREATE|UPDATE) (\S+) \(\d+ bytes\)$/gm)].map(
        ([, path]) => path!,
      );
      expect(written).toEqual(
        expect.arrayContaining([
          'topologies.json',
          'deploy/compose.yaml',
          `libs/${FIRST}/core/src/${FIRST}.int-spec.ts`,
        ]),
      );
      const check = await node(copy, 'node_modules/prettier/bin/prettier.cjs', '--check', ...written);
      const unformatted = check.output
        .split('\n')
        .filter((line) => line.startsWith('[warn] ') && !line.includes('Code style issues'));
      expect({ status: check.status, unformatted }).toEqual({ status: 0, unformatted: [] });
    }, 60_000);

    it('type-checks: its own files and specs, its service, and the monolith that now carries it', async () => {
      // Only what the module touches, from the monolith's entry: the rest is `npm run typecheck`'s job.
      const include = [`libs/${FIRST}/**/*.ts`, `apps/${FIRST}-service/**/*.ts`, 'apps/monolith/src/main.ts'];
      writeFileSync(join(copy, 'tsconfig.module.json'), JSON.stringify({ extends: './tsconfig.json', include }));
      const typecheck = await node(copy, 'node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.module.json');
      expect(typecheck).toEqual({ status: 0, output: '' });
    }, 180_000);

    it('passes its own tests: the unit specs and the integration spec through its contract', async () => {
      const jest = await node(
        copy,
        '--experimental-vm-modules',
        '--disable-warning=ExperimentalWarning',
        'node_modules/jest/bin/jest.js',
        `libs/${FIRST}/`,
      );
      expect({ status: jest.status, summary: /Tests: .*/.exec(jest.output)?.[0] }).toEqual({
        status: 0,
        summary: expect.stringMatching(/^Tests: +9 passed, 9 total$/),
      });
    }, 180_000);

    it('passes the architecture check, which covers it without being told', async () => {
      const arch = await node(copy, 'tools/architecture/check.mjs');
      expect(arch.status).toBe(0);
      expect(arch.output).toMatch(new RegExp(`^architecture: ok: \\d+ modules checked \\(.*\\b${FIRST}\\b.*\\)`));
    }, 60_000);
  });

  describe('what stays as it was', () => {
    it('refuses a module that exists (npm run add:module), with status 1, writing nothing', async () => {
      const before = fingerprint(copy);
      const again = await run(copy, 'npm', ['run', '-s', 'add:module', '--', FIRST]);
      expect(again.status).toBe(1);
      expect(again.output).toContain(
        `Module "${FIRST}" already exists: libs/${FIRST}, apps/${FIRST}-service, topologies.json`,
      );
      expect(fingerprint(copy)).toEqual(before);
    }, 60_000);

    it("keeps Nest's own schematics: nest g -c @seam/schematics controller", async () => {
      const controller = await node(
        copy,
        NEST,
        'g',
        '-c',
        '@seam/schematics',
        'controller',
        'probe',
        '-p',
        'monolith',
        '--dry-run',
      );
      expect(controller.status).toBe(0);
      expect(controller.output).toContain('CREATE apps/monolith/src/probe/probe.controller.ts');
    }, 60_000);
  });

  describe('a second module that reaches into the first one', () => {
    it("fails the architecture check when its core imports the first module's core, naming the rule", async () => {
      expect(await run(copy, 'npm', ['run', '-s', 'add:module', '--', SECOND])).toMatchObject({ status: 0 });
      const link = `libs/${SECOND}/core/src/${FIRST}.link.ts`;
      writeFileSync(
        join(copy, link),
        `import * as neighbour from '@modules/${FIRST}';\n\nexport const link = neighbour;\n`,
      );
      const arch = await node(copy, 'tools/architecture/check.mjs');
      expect(arch.status).toBe(1);
      expect(arch.output).toContain(
        `architecture: core-imports-other-core: ${link} -> libs/${FIRST}/core/src/index.ts (`,
      );
    }, 60_000);
  });
});
