// `npm run mesh:keys` derives every pair key of a deployment from one master: a master that is no
// random secret (typed by hand, all zeros) must be refused, not turned into keys anyone can derive.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runMeshKeys, USAGE_ERROR } from '../../tools/mesh-keys/mesh-keys.cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seam-weak-master-'));

function derive(masterText: string): { status: number; stdout: string; stderr: string } {
  const file = join(dir, 'master');
  writeFileSync(file, `${masterText}\n`, { mode: 0o600 });
  let stdout = '';
  let stderr = '';
  const status = runMeshKeys(['--master-file', file, '--process', 'payments', '--topology', 'split-tcp'], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: dir,
    env: {},
  });
  return { status, stdout, stderr };
}

describe('mesh:keys refuses a master that is not random', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['32 zero bytes', 'A'.repeat(43)],
    ['a word repeated', 'changeme'.repeat(6)],
    ['two alternating bytes', Buffer.alloc(32, 'ab').toString('base64url')],
  ])('%s: usage error, no keys printed, the master not echoed', (_what, master) => {
    const { status, stdout, stderr } = derive(master);
    expect(status).toBe(USAGE_ERROR);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/does not hold random bytes: make one with --new-master/);
    expect(stderr).not.toContain(master);
  });

  it('derives keys from a master made by --new-master', () => {
    let made = '';
    runMeshKeys(['--new-master'], { stdout: (text) => (made += text), stderr: () => undefined, cwd: dir, env: {} });
    const { status, stdout } = derive(made.trim());
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ current: 'k1', keys: { k1: expect.any(Object) } });
  });
});
