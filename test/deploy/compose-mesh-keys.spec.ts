import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { MeshKeys } from '@seam/transport';
import { runComposeMeshKeys, USAGE_ERROR } from '../../tools/deploy/compose-mesh-keys.cli.js';
import {
  COMPOSE_DIR,
  COMPOSE_MESH_KEYS_DIR,
  ComposeMeshKeysError,
  composeTopologies,
  writeComposeMeshKeys,
} from '../../tools/deploy/compose-mesh-keys.js';
import { composeRedisUsersOf } from '../../tools/deploy/compose-redis-users.js';
import { REPOSITORY_ROOT, repositoryFile, shippedModules } from './support/shipped.js';

const root = mkdtempSync(join(tmpdir(), 'compose-mesh-keys-spec-'));
let runs = 0;
const write = (topology: string, dir = join(root, `keys-${++runs}`)) => ({
  dir,
  result: writeComposeMeshKeys({ dir, topology, cwd: REPOSITORY_ROOT, env: {} }),
});
const contents = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .toSorted()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );

describe('writeComposeMeshKeys', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a keys file per process of the topology and a master, all 0600 in a 0700 folder', () => {
    const { dir, result } = write('split-tcp');
    expect(result.master).toBe('created');
    // split-tcp runs every module as a service: one file for each, the monolith's and the master.
    expect(readdirSync(dir).toSorted()).toEqual(
      [...shippedModules().map((module) => `${module}.json`), 'master', 'monolith.json'].toSorted(),
    );
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir))
      expect({ name, mode: statSync(join(dir, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    expect(MeshKeys.parse(readFileSync(join(dir, 'payments.json'), 'utf8')).peersOf('payments')).toContain('orders');
  });

  it('keeps the master on a second run, so every process keeps its keys; tightens files it rewrites', () => {
    const { dir } = write('split-tcp');
    const before = contents(dir);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'orders.json'), 0o644);
    writeFileSync(join(dir, 'orders.json'), 'stale');
    expect(write('split-tcp', dir).result.master).toBe('kept');
    expect(contents(dir)).toEqual(before);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'orders.json')).mode & 0o777).toBe(0o600);
  });

  it('gives split-redis the same files as split-tcp: one set serves both compose files', () => {
    const { dir } = write('split-tcp');
    write('split-redis', dir);
    const tcp = contents(dir);
    expect(write('split-redis', dir).result.master).toBe('kept');
    expect(contents(dir)).toEqual(tcp);
  });

  it('refuses an unknown topology without writing keys, naming it', () => {
    const dir = join(root, 'refused');
    const attempt = () => writeComposeMeshKeys({ dir, topology: 'nope', cwd: REPOSITORY_ROOT, env: {} });
    expect(attempt).toThrow(ComposeMeshKeysError);
    expect(attempt).toThrow(/unknown topology "nope"/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a master that is not base64url text, quoting none of it', () => {
    const dir = join(root, 'bad-master');
    write('split-tcp', dir);
    writeFileSync(join(dir, 'master'), 'not a master: s3cr3t!');
    const attempt = () => write('split-tcp', dir);
    expect(attempt).toThrow(/must hold base64url text/);
    expect(attempt).not.toThrow(/s3cr3t/);
  });

  it('refuses a topology it cannot give Redis users (redis-pubsub://) in one line, before anything is written', () => {
    const file = join(root, 'pubsub.json');
    writeFileSync(
      file,
      JSON.stringify({
        modules: ['catalog', 'payments'],
        topologies: {
          p: {
            monolith: { address: 'redis://127.0.0.1:6379' },
            modules: { catalog: 'monolith', payments: { service: 'redis-pubsub://127.0.0.1:6379' } },
          },
        },
      }),
    );
    const attempt = () =>
      composeRedisUsersOf({ topology: 'p', cwd: REPOSITORY_ROOT, env: { SEAM_TOPOLOGY_FILE: file } });
    expect(attempt).toThrow(ComposeMeshKeysError);
    expect(attempt).toThrow(/^mesh:keys:compose: topology "p" reaches a module over redis-pubsub:\/\/[^\n]*$/);
  });

  it('reads the topologies the compose files run from the files themselves', () => {
    expect([...composeTopologies(join(REPOSITORY_ROOT, COMPOSE_DIR))]).toEqual([
      ['monolith', ['compose.monolith-replicas.yaml']],
      ['split-redis', ['compose.split-redis.yaml']],
      ['split-tcp', ['compose.yaml']],
    ]);
  });

  describe('the command', () => {
    /** Runs it in this process, writing into a folder of the test's own. */
    function runInto(dir: string, args: string[]) {
      let stdout = '';
      let stderr = '';
      const status = runComposeMeshKeys(args, {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        cwd: REPOSITORY_ROOT,
        env: {},
        dir,
      });
      return { status, stdout, stderr };
    }

    it('writes the keys and Redis users of a topology a compose file runs', () => {
      const dir = join(root, 'cli-split-redis');
      expect(runInto(dir, ['split-redis']).status).toBe(0);
      expect(readdirSync(dir)).toEqual(
        expect.arrayContaining(['monolith.json', 'payments.redis-password', 'redis-users.acl']),
      );
    });

    it('refuses a topology no compose file runs (exit status 2), naming those that do, writing nothing', () => {
      const dir = join(root, 'cli-mixed');
      const { status, stdout, stderr } = runInto(dir, ['mixed']);
      expect({ status, stdout }).toEqual({ status: USAGE_ERROR, stdout: '' });
      expect(stderr).toBe(
        'mesh:keys:compose: no compose file in deploy/ runs topology "mixed"; these do: monolith (compose.monolith-replicas.yaml), ' +
          'split-redis (compose.split-redis.yaml), split-tcp (compose.yaml)\n',
      );
      expect(existsSync(dir)).toBe(false);
    });

    it("refuses topology monolith, whose one process needs no keys, and keeps a split topology's monolith.json", () => {
      const dir = join(root, 'cli-monolith');
      expect(runInto(dir, ['split-tcp']).status).toBe(0);
      const before = contents(dir);
      const { status, stderr } = runInto(dir, ['monolith']);
      expect(status).toBe(USAGE_ERROR);
      expect(stderr).toBe(
        'mesh:keys:compose: topology "monolith" runs one process, which sends no envelope to another: it needs no mesh keys\n',
      );
      expect(contents(dir)).toEqual(before);
      expect(MeshKeys.parse(before['monolith.json']!).peersOf('edge').length).toBeGreaterThan(0);
    });
  });

  it('is the npm script mesh:keys:compose, which refuses stray arguments with exit status 2', () => {
    const scripts = (JSON.parse(repositoryFile('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['mesh:keys:compose']).toBe(
      'node --import @swc-node/register/esm-register tools/deploy/compose-mesh-keys.main.ts',
    );
    const run = spawnSync(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'tools/deploy/compose-mesh-keys.main.ts', 'split-tcp', '--force'],
      { cwd: REPOSITORY_ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 2,
      stderr: expect.stringContaining('Usage: npm run mesh:keys:compose'),
    });
  }, 30_000);

  it('writes where git and the image build never look', () => {
    expect(repositoryFile('.gitignore')).toMatch(new RegExp(`^${COMPOSE_MESH_KEYS_DIR}/$`, 'm'));
    const ignored = execFileSync('git', ['check-ignore', '--no-index', `${COMPOSE_MESH_KEYS_DIR}/catalog.json`], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
    });
    expect(ignored.trim()).toBe(`${COMPOSE_MESH_KEYS_DIR}/catalog.json`);
    expect(repositoryFile('.dockerignore')).toMatch(new RegExp(`^${COMPOSE_MESH_KEYS_DIR}$`, 'm'));
  });
});
