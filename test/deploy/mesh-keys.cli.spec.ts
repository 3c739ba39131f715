import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { MeshKeys } from '@seam/transport';
import { runMeshKeys, USAGE_ERROR } from '../../tools/mesh-keys/mesh-keys.cli.js';
import { shippedModules } from './support/shipped.js';

function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = runMeshKeys(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: process.cwd(),
    env: {},
  });
  return { status, stdout, stderr };
}

describe('npm run mesh:keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-keys-'));
  const masterFile = join(dir, 'master');
  writeFileSync(masterFile, run(['--new-master']).stdout);
  const master = run(['--new-master']).stdout.trim();

  it('makes a master of 32 random bytes', () => {
    expect(Buffer.from(master, 'base64url')).toHaveLength(32);
    expect(run(['--new-master']).stdout.trim()).not.toBe(master);
  });

  it("gives a service the keys of its own pairs only: payments never holds orders' key with identity", () => {
    const { status, stdout } = run(['--master-file', masterFile, '--process', 'payments', '--topology', 'split-tcp']);
    expect(status).toBe(0);
    const keys = MeshKeys.parse(stdout);
    // A key per pair of identities: every other module (the shop's catalog, identity, inventory,
    // orders, and any added since), the edge and the seed.
    const others = shippedModules().filter((module) => module !== 'payments');
    expect(keys.peersOf('payments')).toEqual([...others, 'edge', 'seed'].toSorted());
    expect(keys.key('k1', 'orders', 'identity')).toBeUndefined();
  });

  it('derives the same pair key for both ends, and both key ids during a rotation', () => {
    const orders = MeshKeys.parse(
      run([
        '--master-file',
        masterFile,
        '--process',
        'orders',
        '--topology',
        'split-tcp',
        '--key-id',
        'k2',
        '--key-id',
        'k1',
      ]).stdout,
    );
    const edge = MeshKeys.parse(
      run(['--master-file', masterFile, '--process', 'monolith', '--topology', 'split-tcp']).stdout,
    );
    expect(orders.current).toBe('k2');
    expect(orders.key('k1', 'orders', 'edge')!.equals(edge.key('k1', 'edge', 'orders')!)).toBe(true);
  });

  it.each([
    [
      ['--master-file', masterFile, '--process', '../../etc', '--topology', 'split-tcp'],
      /not a process of this topology/,
    ],
    [['--master-file', masterFile, '--process', 'payments'], /not a process of this topology \(monolith\)/],
    [
      ['--master-file', join(dir, 'missing'), '--process', 'payments', '--topology', 'split-tcp'],
      /cannot read the master file: ENOENT/,
    ],
    [['--master-file', masterFile, '--process', 'payments', '--topology', 'nope'], /nope/],
    [['--master-file', masterFile, '--process', 'payments', '--topology', 'split-tcp', '--key-id', 'k 1'], /key id/],
    [['--process', 'payments'], /--master-file is required/],
    [['--bogus'], /Unknown option/],
    [
      ['--master-file', masterFile, '--process', 'payments', '--topology', 'split-tcp', '--new-master'],
      /--new-master makes a master and derives no keys: drop --master-file, --process, --topology/,
    ],
    [['--new-master', '--key-id', 'k2'], /drop --key-id/],
    [
      ['--master-file', masterFile, '--process', 'orders', '--process', 'payments', '--topology', 'split-tcp'],
      /--process given more than once/,
    ],
    [
      ['--master-file', masterFile, '--process', 'payments', '--topology', 'split-tcp', '--topology', 'mixed'],
      /--topology given more than once/,
    ],
    [['--new-master', '--new-master'], /--new-master given more than once/],
    [['--new-master', '--out', join(dir, 'a'), '--out', join(dir, 'b')], /--out given more than once/],
  ])('refuses %p with a reason and the usage, exit 2', (args, reason) => {
    const { status, stdout, stderr } = run(args);
    expect(status).toBe(USAGE_ERROR);
    expect(stdout).toBe('');
    expect(stderr).toMatch(reason);
    expect(stderr).toContain('Usage: npm run mesh:keys');
  });

  it('writes nothing when it refuses --new-master with other options', () => {
    const out = join(dir, 'refused.json');
    const { status } = run(['--master-file', masterFile, '--process', 'payments', '--new-master', '--out', out]);
    expect({ status, written: existsSync(out) }).toEqual({ status: USAGE_ERROR, written: false });
  });

  it('writes a master and keys with --out readable by their owner only (0600), printing neither', () => {
    const mode = (file: string) => statSync(file).mode & 0o777;
    const newMaster = join(dir, 'out.master');
    const made = run(['--new-master', '--out', newMaster]);
    expect({ status: made.status, stdout: made.stdout, mode: mode(newMaster) }).toEqual({
      status: 0,
      stdout: '',
      mode: 0o600,
    });
    expect(Buffer.from(readFileSync(newMaster, 'utf8').trim(), 'base64url')).toHaveLength(32);
    // A file a shell's > left world-readable: --out replaces it, so its old mode goes too.
    const keysFile = join(dir, 'payments.json');
    writeFileSync(keysFile, 'stale', { mode: 0o644 });
    const keys = run([
      '--master-file',
      newMaster,
      '--process',
      'payments',
      '--topology',
      'split-tcp',
      '--out',
      keysFile,
    ]);
    expect({ status: keys.status, stdout: keys.stdout, mode: mode(keysFile) }).toEqual({
      status: 0,
      stdout: '',
      mode: 0o600,
    });
    expect(keys.stderr).toBe(`mesh:keys: wrote ${keysFile} (0600)\n`);
    expect(MeshKeys.parse(readFileSync(keysFile, 'utf8')).peersOf('payments')).toContain('orders');
  });

  it('never replaces an existing file with a new master, which would orphan its keys', () => {
    const existing = join(dir, 'kept.master');
    writeFileSync(existing, master);
    const { status, stderr } = run(['--new-master', '--out', existing]);
    expect(status).toBe(USAGE_ERROR);
    expect(stderr).toContain(`--out ${existing} exists: a new master never replaces a file`);
    expect(readFileSync(existing, 'utf8')).toBe(master);
  });

  it('refuses a master that is too short or not base64url, printing neither', () => {
    writeFileSync(join(dir, 'short'), 'c2hvcnQ');
    writeFileSync(join(dir, 'text'), 'a secret with spaces');
    const short = run(['--master-file', join(dir, 'short'), '--process', 'payments', '--topology', 'split-tcp']);
    const text = run(['--master-file', join(dir, 'text'), '--process', 'payments', '--topology', 'split-tcp']);
    expect(short.stderr).toMatch(/at least 32 bytes/);
    expect(text.stderr).toMatch(/base64url/);
    expect(text.stderr).not.toContain('a secret with spaces');
  });
});
