import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { runDeployK8s } from '../../tools/deploy/deploy-k8s.cli.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const skip = redisUnavailableReason();

// What `deploy:k8s -- split-redis --print-secrets` tells an operator to run, run as printed by a
// shell against a real redis-server: each process gets its own user from its password file, and
// the default user is turned off.
(skip ? describe.skip : describe)(
  `deploy:k8s --print-secrets on a Redis topology, run against redis-server${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'seam-k8s-redis-users-'));
    let redis: PrivateRedis;
    let printed = '';
    const connect = (username?: string, password?: string) =>
      new Redis(redis.url, { username, password, maxRetriesPerRequest: 0, lazyConnect: true, enableReadyCheck: false });

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      const status = runDeployK8s(['split-redis', '--print-secrets'], {
        stdout: (text) => (printed += text),
        stderr: () => undefined,
        cwd: dir,
        env: {},
      });
      if (status !== 0) throw new Error(`deploy:k8s --print-secrets exited ${status}`);
      const script = printed.slice(0, printed.indexOf('kubectl'));
      writeFileSync(join(dir, 'redis-users.sh'), `set -eu\n${script}`);
      execFileSync('bash', ['redis-users.sh'], { cwd: dir, env: { ...process.env, REDIS_ADMIN_URL: redis.url } });
    });
    afterAll(async () => {
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("makes each Secret from the password file its process's Redis user was made from", () => {
      const orders = printed.slice(printed.indexOf('seam-orders-secrets'));
      expect(orders).toContain('--from-literal=SEAM_REDIS_USERNAME=seam-orders');
      expect(orders).toContain('--from-file=SEAM_REDIS_PASSWORD=orders.redis-password');
      expect(readFileSync(join(dir, 'orders.redis-password'), 'utf8')).toMatch(/^[0-9a-f]{64}$/);
      // No password is printed.
      expect(printed).not.toContain(readFileSync(join(dir, 'orders.redis-password'), 'utf8'));
    });

    it('lets a process write its own stream of a module it calls, and no other caller’s', async () => {
      const orders = connect('seam-orders', readFileSync(join(dir, 'orders.redis-password'), 'utf8'));
      try {
        await orders.connect();
        await expect(orders.xadd('seam:rq:payments:orders', '*', 'packet', '{}')).resolves.toMatch(/^\d+-\d+$/);
        await expect(orders.xadd('seam:rq:payments:edge', '*', 'packet', '{}')).rejects.toThrow(/^NOPERM/);
        await expect(orders.xadd('seam:rq:identity:catalog', '*', 'packet', '{}')).rejects.toThrow(/^NOPERM/);
      } finally {
        orders.disconnect();
      }
    });

    it('refuses a wrong password, and a connection without one', async () => {
      const anonymous = connect();
      try {
        await anonymous.connect();
        await expect(anonymous.call('AUTH', 'seam-orders', 'not-the-password-at-all')).rejects.toThrow(/^WRONGPASS/);
        await expect(anonymous.ping()).rejects.toThrow(/^NOAUTH/);
      } finally {
        anonymous.disconnect();
      }
    });
  },
);
