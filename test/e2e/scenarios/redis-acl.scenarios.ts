import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import type { ProcessShopSystem } from '../support/topology-target.js';

/** `XINFO STREAM`'s reply as field → value. */
async function streamInfo(redis: Redis, stream: string): Promise<Record<string, unknown>> {
  const reply = (await redis.call('XINFO', 'STREAM', stream)) as unknown[];
  const info: Record<string, unknown> = {};
  for (let index = 0; index < reply.length; index += 2) info[String(reply[index])] = reply[index + 1];
  return info;
}

/**
 * After the shop's scenarios, on a topology whose processes each log in as their own Redis ACL
 * user (ACL identities, the default with a user): the calls travelled on each caller's own stream
 * of the module it called, which only its user may write — none on the shared stream that takes
 * signed envelopes — and one process's user cannot write another caller's stream.
 */
export function aclIdentityChecks(system: () => ProcessShopSystem): void {
  describe('callers vouched for by their Redis users (ACL identities)', () => {
    it("sent every call on the caller's own stream of the module, none on the shared signed one", async () => {
      const redis = new Redis(system().redisUrl!);
      try {
        // The edge calls orders and catalog; orders calls inventory and payments.
        for (const [module, caller] of [
          ['orders', 'edge'],
          ['catalog', 'edge'],
          ['inventory', 'orders'],
          ['payments', 'orders'],
        ] as const) {
          const own = await streamInfo(redis, `seam:rq:${module}:${caller}`);
          const shared = await streamInfo(redis, `seam:rq:${module}`);
          expect({ module, caller, own: Number(own['entries-added']) > 0 }).toEqual({ module, caller, own: true });
          expect({ module, shared: Number(shared['entries-added']) }).toEqual({ module, shared: 0 });
        }
      } finally {
        redis.disconnect();
      }
    });

    it("lets no process's user write another caller's stream (NOPERM)", async () => {
      const { processes, redisUrl } = system();
      const payments = processes.redisUserOf('payments')!;
      const address = new URL(redisUrl!);
      const redis = new Redis({
        host: address.hostname,
        port: Number(address.port),
        username: payments.username,
        password: payments.password,
        maxRetriesPerRequest: 0,
      });
      try {
        await expect(redis.xadd('seam:rq:orders:edge', '*', 'packet', '{}')).rejects.toThrow(/^NOPERM/);
        await expect(redis.xadd('seam:rq:payments:orders', '*', 'packet', '{}')).rejects.toThrow(/^NOPERM/);
      } finally {
        redis.disconnect();
      }
    });
  });
}
