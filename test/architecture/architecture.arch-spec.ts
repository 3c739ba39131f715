// The boundary rules must hold on the repository, and each rule must be able to fail: every broken
// fixture below breaks exactly one rule and must be reported with the offending import.
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { checkArchitecture, formatViolation } from '../../tools/architecture/check-architecture.mjs';
import { RULE_COMMENTS } from '../../tools/architecture/rules.mjs';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => join(repositoryRoot, 'test/architecture/fixtures', name);

interface BrokenFixture {
  fixture: string;
  rule: string;
  /** The offending imports, as `[from, to]` relative to the fixture root. */
  edges: Array<[string, string]>;
}

const brokenFixtures: BrokenFixture[] = [
  {
    fixture: 'core-imports-other-core-alias',
    rule: 'core-imports-other-core',
    edges: [['libs/alpha/core/src/alpha.service.ts', 'libs/beta/core/src/index.ts']],
  },
  {
    fixture: 'core-imports-other-core-relative',
    rule: 'core-imports-other-core',
    edges: [['libs/alpha/core/src/alpha.service.ts', 'libs/beta/core/src/beta.service.ts']],
  },
  {
    fixture: 'contracts-import-only-transport-and-validation',
    rule: 'contracts-import-only-transport-and-validation',
    edges: [
      ['libs/alpha/contracts/src/alpha.contract.ts', 'libs/beta/contracts/src/index.ts'],
      ['libs/alpha/contracts/src/alpha.contract.ts', 'node_modules/@nestjs/common/index.js'],
      // A contract's spec may use @jest/globals, but nothing else beyond what the contract may.
      ['libs/alpha/contracts/src/alpha.contract.spec.ts', 'libs/alpha/core/src/index.ts'],
    ],
  },
  {
    // A path into @seam/transport or beta's contracts reaches what their entry points do not export.
    fixture: 'core-imports-through-entry-points',
    rule: 'core-imports-through-entry-points',
    edges: [
      ['libs/alpha/core/src/alpha.service.ts', 'libs/seam/transport/src/contract-id.ts'],
      ['libs/alpha/core/src/alpha.service.ts', 'libs/beta/contracts/src/beta.dto.ts'],
    ],
  },
  {
    fixture: 'contracts-import-transport-internals',
    rule: 'contracts-import-only-transport-and-validation',
    edges: [['libs/alpha/contracts/src/alpha.contract.ts', 'libs/seam/transport/src/contract-id.ts']],
  },
  {
    fixture: 'only-apps-import-core',
    rule: 'only-apps-import-core',
    edges: [['libs/shared/src/index.ts', 'libs/alpha/core/src/index.ts']],
  },
  {
    fixture: 'seam-imports-no-module',
    rule: 'seam-imports-no-module',
    edges: [
      ['libs/seam/testing/src/index.ts', 'libs/alpha/contracts/src/index.ts'],
      ['libs/seam/testing/src/index.ts', 'libs/beta/core/src/index.ts'],
    ],
  },
  {
    fixture: 'no-circular',
    rule: 'no-circular',
    edges: [['libs/beta/core/src/beta.policy.ts', 'libs/beta/core/src/beta.service.ts']],
  },
  {
    fixture: 'no-unresolvable-import',
    rule: 'no-unresolvable-import',
    edges: [['apps/monolith/src/main.ts', '@modules/gamma']],
  },
  // The who-may-call rules name the entry's pattern where the import rules name a file. Each fixture
  // also holds allowed uses (alpha and the edge looking up, beta answering its own entry, a spec).
  {
    fixture: 'calls-only-allowed-entries',
    rule: 'calls-only-allowed-entries',
    edges: [['libs/alpha/core/src/alpha.refunds.ts', 'beta.refund-money']],
  },
  {
    fixture: 'subscribes-only-allowed-events',
    rule: 'subscribes-only-allowed-events',
    edges: [['libs/alpha/core/src/alpha.listener.ts', 'beta.money.refunded']],
  },
];

describe('checkArchitecture', () => {
  describe('on the repository', () => {
    // One cruise of the whole repository, shared by both checks: it takes tens of seconds on a
    // loaded 2-core CI machine, hence its own 120 s rather than two runs inside jest's 30 s each.
    let report: Awaited<ReturnType<typeof checkArchitecture>>;
    beforeAll(async () => {
      report = await checkArchitecture(repositoryRoot);
    }, 120_000);

    it('finds no violation', () => {
      expect(report.violations.map(formatViolation)).toEqual([]);
    });

    it('scans libs and tests but not the deliberately broken fixtures', () => {
      const { files } = report;

      expect(files).toEqual(
        expect.arrayContaining(['libs/seam/transport/src/index.ts', 'test/architecture/architecture.arch-spec.ts']),
      );
      expect(files.filter((file) => file.startsWith('test/architecture/fixtures/'))).toEqual([]);
    });
  });

  describe('on the clean fixtures', () => {
    it('passes the clean fixture and lists its modules, ignoring libs/seam', async () => {
      const report = await checkArchitecture(fixture('clean'));

      expect(report.violations.map(formatViolation)).toEqual([]);
      expect(report.modules).toEqual(['alpha', 'beta']);
      expect(report.files).toContain('libs/alpha/core/src/alpha.repository.ts');
    });

    it('passes with zero modules, even with a toolkit library named core', async () => {
      const report = await checkArchitecture(fixture('seam-only'));

      expect(report).toEqual({
        modules: [],
        files: ['apps/monolith/src/main.ts', 'libs/seam/core/src/index.ts', 'libs/seam/transport/src/index.ts'],
        violations: [],
      });
    });

    it('does not count a lib without contracts/ or core/ as a module', async () => {
      const { modules } = await checkArchitecture(fixture('only-apps-import-core'));

      expect(modules).toEqual(['alpha', 'beta']);
    });
  });

  describe('on the broken fixtures', () => {
    it('has a broken fixture for every rule', () => {
      const covered = new Set(brokenFixtures.map(({ rule }) => rule));

      expect(Object.keys(RULE_COMMENTS).filter((rule) => !covered.has(rule))).toEqual([]);
    });

    it.each(brokenFixtures)('$fixture breaks $rule and nothing else', async ({ fixture: name, rule, edges }) => {
      const { violations } = await checkArchitecture(fixture(name));
      const found = violations.map((violation) => [violation.rule, violation.from, violation.to]);

      expect(found.toSorted()).toEqual(edges.map(([from, to]) => [rule, from, to]).toSorted());
      for (const violation of violations) {
        expect(formatViolation(violation)).toBe(
          `architecture: ${rule}: ${violation.from} -> ${violation.to} (${violation.comment}${
            violation.cycle ? `; cycle: ${[violation.from, ...violation.cycle].join(' -> ')}` : ''
          })`,
        );
        expect(violation.comment).toBe(RULE_COMMENTS[rule]);
      }
    });

    it('spells out the whole cycle', async () => {
      const { violations } = await checkArchitecture(fixture('no-circular'));

      expect(violations.map((violation) => violation.cycle)).toEqual([
        ['libs/beta/core/src/beta.service.ts', 'libs/beta/core/src/beta.policy.ts'],
      ]);
    });

    it('rejects a root without a tsconfig.json', async () => {
      await expect(checkArchitecture(join(fixture('clean'), 'libs'))).rejects.toThrow('no tsconfig.json');
    });
  });
});

describe('tools/architecture/check.mjs', () => {
  const cli = join(repositoryRoot, 'tools/architecture/check.mjs');
  // Run from elsewhere: the result must not depend on the working directory.
  const run = (root: string) => spawnSync(process.execPath, [cli, '--root', root], { cwd: tmpdir(), encoding: 'utf8' });

  it('exits 1 and prints one line per violation', () => {
    const result = run(fixture('core-imports-other-core-alias'));

    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toContain(
      `architecture: core-imports-other-core: libs/alpha/core/src/alpha.service.ts -> libs/beta/core/src/index.ts (${RULE_COMMENTS['core-imports-other-core']})`,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 0 with a one-line summary when every rule holds', () => {
    const result = run(fixture('clean'));

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('architecture: ok: 2 modules checked (alpha, beta), 14 files scanned\n');
  });
});
