import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeComposeMeshKeys } from '../../tools/deploy/compose-mesh-keys.js';
import { composeRedisPasswordFile, writeComposeRedisUsers } from '../../tools/deploy/compose-redis-users.js';
import { REPOSITORY_ROOT } from './support/shipped.js';

describe('writeComposeRedisUsers (npm run mesh:keys:compose -- split-redis)', () => {
  const root = mkdtempSync(join(tmpdir(), 'compose-redis-users-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (dir: string, topology: string) => {
    writeComposeMeshKeys({ dir, topology, cwd: REPOSITORY_ROOT, env: {} });
    return writeComposeRedisUsers({ dir, topology, cwd: REPOSITORY_ROOT, env: {} });
  };
  const mode = (file: string) => statSync(file).mode & 0o777;

  it('keeps each password across runs (0600), and rewrites the users file (0644, hashes only)', () => {
    const dir = join(root, 'split-redis');
    const first = write(dir, 'split-redis');
    const passwords = first.processes.map((process) =>
      readFileSync(join(dir, composeRedisPasswordFile(process)), 'utf8'),
    );
    expect(passwords.every((password) => /^[0-9a-f]{64}$/.test(password))).toBe(true);
    expect(new Set(passwords).size).toBe(passwords.length);
    const acl = readFileSync(first.aclFile!, 'utf8');
    for (const password of passwords) expect(acl).not.toContain(password);

    const second = write(dir, 'split-redis');
    expect(
      second.processes.map((process) => readFileSync(join(dir, composeRedisPasswordFile(process)), 'utf8')),
    ).toEqual(passwords);
    expect(readFileSync(second.aclFile!, 'utf8')).toBe(acl);
    for (const process of second.processes) expect(mode(join(dir, composeRedisPasswordFile(process)))).toBe(0o600);
    expect(mode(second.aclFile!)).toBe(0o644);
  });

  it('writes nothing for a topology whose processes do not talk through Redis', () => {
    expect(write(join(root, 'split-tcp'), 'split-tcp')).toEqual({ processes: [] });
  });
});
