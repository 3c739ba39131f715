import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BUNDLED_PACKAGES, type ExternalFunction, withBundledPackages } from '../../rspack.config.js';

/** What an rspack external function is asked: the request, from where, by which kind of import. */
interface Request {
  request: string;
  context: string;
  dependencyType: 'esm' | 'commonjs';
}

type Answer = { error?: unknown; result?: string };

/**
 * A stand-in for the CLI's webpack-node-externals function, with its contract: an installed
 * package becomes `module <request>`, anything else (relative files, aliases, missing packages)
 * gets no answer, so rspack bundles it or fails to resolve it.
 */
const INSTALLED = new Set(['@nestjs/common', 'rxjs', 'typeorm', 'redis-errors']);
const cliExternal = (data: Request, callback: (error?: unknown, result?: string) => void) => {
  const name = data.request.startsWith('@')
    ? data.request.split('/').slice(0, 2).join('/')
    : data.request.split('/')[0]!;
  return INSTALLED.has(name) ? callback(null, `module ${data.request}`) : callback();
};

const [external] = withBundledPackages([cliExternal]) as [ExternalFunction];

function ask(data: Request): Answer {
  let answer: Answer | undefined;
  external(data, (error, result) => (answer = { error, result }));
  if (!answer) throw new Error('the external function did not call back');
  return answer;
}

const APP = '/app/libs/seam/transport/src/door';
const IN_BUNDLED_PACKAGE = '/app/node_modules/@nestjs/swagger/dist';

describe('rspack.config.js: which packages the apps bundle', () => {
  it('bundles each listed package and its files, whoever imports them', () => {
    for (const name of BUNDLED_PACKAGES) {
      expect(ask({ request: name, context: APP, dependencyType: 'esm' })).toEqual({
        error: undefined,
        result: undefined,
      });
      expect(
        ask({ request: `${name}/x.js`, context: IN_BUNDLED_PACKAGE, dependencyType: 'commonjs' }).result,
      ).toBeUndefined();
    }
  });

  it('does not bundle a package whose name only starts like a listed one', () => {
    expect(ask({ request: 'validator-extra', context: APP, dependencyType: 'esm' }).result).toBeUndefined();
    expect(ask({ request: 'rxjs', context: APP, dependencyType: 'esm' }).result).toBe('module rxjs');
  });

  it('keeps the packages that external packages share (Nest, rxjs, TypeORM) external, as ES imports', () => {
    expect(ask({ request: '@nestjs/common', context: IN_BUNDLED_PACKAGE, dependencyType: 'esm' }).result).toBe(
      'module @nestjs/common',
    );
    expect(ask({ request: 'typeorm', context: APP, dependencyType: 'esm' }).result).toBe('module typeorm');
  });

  it("turns a bundled CommonJS package's require() of an external package into a real require()", () => {
    expect(ask({ request: 'redis-errors', context: IN_BUNDLED_PACKAGE, dependencyType: 'commonjs' }).result).toBe(
      'node-commonjs redis-errors',
    );
  });

  it('leaves an optional package a bundled one imports but nobody installed as a run-time import()', () => {
    expect(ask({ request: '@fastify/static', context: IN_BUNDLED_PACKAGE, dependencyType: 'esm' }).result).toBe(
      'import @fastify/static',
    );
    expect(ask({ request: 'kafkajs', context: IN_BUNDLED_PACKAGE, dependencyType: 'commonjs' }).result).toBe(
      'node-commonjs kafkajs',
    );
  });

  it("still bundles relative files and the app's own aliases, and lets a missing import of the app fail the build", () => {
    expect(
      ask({ request: './swagger-ui.js', context: IN_BUNDLED_PACKAGE, dependencyType: 'esm' }).result,
    ).toBeUndefined();
    expect(ask({ request: '../door/index.js', context: APP, dependencyType: 'esm' }).result).toBeUndefined();
    expect(ask({ request: '@seam/transport', context: APP, dependencyType: 'esm' }).result).toBeUndefined();
    expect(ask({ request: 'not-installed', context: APP, dependencyType: 'esm' }).result).toBeUndefined();
  });

  it('passes on an error of the CLI externals', () => {
    const failing = withBundledPackages([
      (_data: Request, callback: (error?: unknown, result?: string) => void) => callback(new Error('boom')),
    ])[0] as ExternalFunction;
    let seen: unknown;
    failing({ request: 'rxjs', context: APP, dependencyType: 'esm' }, (error) => (seen = error));
    expect(seen).toEqual(new Error('boom'));
  });

  it("bundles a bundled package's dependency nested in its own node_modules, not the project's copy", () => {
    // root/node_modules/{yaml-user/node_modules/yaml, yaml}: yaml-user needs its own major.
    const root = mkdtempSync(join(tmpdir(), 'seam-rspack-'));
    try {
      mkdirSync(join(root, 'node_modules', 'yaml-user', 'node_modules', 'yaml'), { recursive: true });
      mkdirSync(join(root, 'node_modules', 'yaml-user', 'dist'), { recursive: true });
      const [scoped] = withBundledPackages([cliExternal], root) as [ExternalFunction];
      const answer = (request: string, context: string) => {
        let result: string | undefined = 'no answer';
        scoped({ request, context, dependencyType: 'esm' }, (_error, found) => (result = found));
        return result;
      };
      const inUser = join(root, 'node_modules', 'yaml-user', 'dist');
      expect(answer('yaml', inUser)).toBeUndefined();
      expect(answer('yaml/lib/dump.js', inUser)).toBeUndefined();
      // Not nested there: the CLI's externals decide, as for any package.
      expect(answer('rxjs', inUser)).toBe('module rxjs');
      // The same request from the app's own code is not affected by the nested copy.
      expect(answer('rxjs', join(root, 'libs', 'seam'))).toBe('module rxjs');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
