import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeComposeMeshKeys } from '../../tools/deploy/compose-mesh-keys.js';
import { composeRedisPasswordFile, writeComposeRedisUsers } from '../../tools/deploy/compose-redis-users.js';
import { transportSecurityFromEnv } from '@seam/runtime';
import { composeVariants } from './support/compose-files.js';
import { REPOSITORY_ROOT, shippedTopology } from './support/shipped.js';

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

/** Where compose mounts a secret given by name (the short syntax, which these files use). */
const SECRETS_DIR = '/run/secrets';

describe.each(composeVariants())(
  '%s (topology %s) with the Redis users the generator writes',
  (_files, topologyName, compose) => {
    const keysRoot = mkdtempSync(join(tmpdir(), 'compose-redis-variant-'));
    afterAll(() => rmSync(keysRoot, { recursive: true, force: true }));
    const services = compose.services;
    const seam = Object.entries(services).filter(([, service]) => service.environment?.SEAM_APP);
    const overRedis = shippedTopology(topologyName).services.some(({ address }) => address.transport === 'redis');

    it('logs each process in to Redis as the user the generator writes (none without Redis), default user off', () => {
      const dir = join(keysRoot, topologyName);
      writeComposeMeshKeys({ dir, topology: topologyName, cwd: REPOSITORY_ROOT, env: {} });
      const written = writeComposeRedisUsers({ dir, topology: topologyName, cwd: REPOSITORY_ROOT, env: {} });
      expect(written.processes.toSorted()).toEqual(overRedis ? seam.map(([service]) => service).toSorted() : []);
      const acl = written.aclFile ? readFileSync(written.aclFile, 'utf8') : '';
      expect(acl.split('\n')[0]).toBe(overRedis ? 'user default off' : '');
      // The container's /run/secrets/<name> is the compose secret's file; here, the generated one.
      const generatedFile = (path: string) => join(dir, basename(compose.secrets?.[basename(path)]?.file ?? 'none'));
      for (const [service, { environment }] of seam) {
        const security = transportSecurityFromEnv(environment!, (path) => readFileSync(generatedFile(path), 'utf8'));
        expect({ service, username: security.redis?.username, vouched: security.redis?.aclIdentities }).toEqual({
          service,
          username: overRedis ? `seam-${service}` : undefined,
          vouched: overRedis ? true : undefined,
        });
        const password = security.redis?.password ?? 'none';
        const hash = createHash('sha256').update(password).digest('hex');
        expect({ service, inAclFile: acl.includes(`user seam-${service} on #${hash} `) }).toEqual({
          service,
          inAclFile: overRedis,
        });
      }
      expect(services.redis!.command?.slice(-2)).toEqual(
        overRedis ? ['--aclfile', `${SECRETS_DIR}/redis-users`] : ['--appendonly', 'no'],
      );
      expect(generatedFile(`${SECRETS_DIR}/redis-users`)).toBe(written.aclFile ?? join(dir, 'none'));
    });
  },
);
