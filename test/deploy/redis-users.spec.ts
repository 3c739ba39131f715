import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { parseTopology } from '@seam/runtime';
import { contractAccess } from '../../tools/deploy/contract-access.js';
import { redisAclFile, redisUsersOf } from '../../tools/deploy/redis-users.js';
import { REPOSITORY_ROOT, shippedModules, shippedTopology } from './support/shipped.js';

const access = contractAccess(REPOSITORY_ROOT);

/** A topology of the shipped modules with payments its own service at `payments`, the rest in the monolith at `monolith`. */
function paymentsExtracted(monolith: string, payments: string) {
  const modules = ['identity', 'catalog', 'inventory', 'payments', 'orders'];
  const placements = Object.fromEntries(
    modules.map((module) => [module, module === 'payments' ? { service: payments } : 'monolith']),
  );
  const document = {
    modules,
    topologies: { custom: { description: 'payments extracted', monolith: { address: monolith }, modules: placements } },
  };
  return parseTopology(document, 'custom', {}, 'test');
}
const usersOf = (topology: string) => redisUsersOf(shippedTopology(topology), access);

describe('redisUsersOf', () => {
  it.each(['monolith', 'split-tcp', 'mixed'])('gives no user in %s, where nothing talks through Redis', (name) => {
    expect(usersOf(name)).toEqual([]);
  });

  it('gives each process of split-redis its own user, serving its module and speaking as itself', () => {
    const users = usersOf('split-redis');
    expect(users.map(({ process, subject }) => [process, subject.username, subject.hosts, subject.speaksAs])).toEqual([
      ['monolith', 'seam-monolith', [], ['edge', 'seed']],
      // identity, catalog, inventory, payments, orders, then any module added since, in topologies.json order.
      ...shippedModules().map((module) => [module, `seam-${module}`, [module], [module]]),
    ]);
  });

  it('lets a process call only the modules whose contracts admit one of its identities', () => {
    const calls = Object.fromEntries(usersOf('split-redis').map(({ process, subject }) => [process, subject.calls]));
    // payments' entries admit orders only (refund-payment, authorize, capture): never the edge.
    expect(calls.orders).toContain('payments');
    expect(calls.monolith).not.toContain('payments');
    expect(calls.monolith).toEqual(expect.arrayContaining(['catalog', 'identity', 'orders']));
    for (const [process, modules] of Object.entries(calls)) {
      const self = process === 'monolith' ? ['edge', 'seed'] : [process];
      for (const module of modules ?? []) {
        const callers = access.callers.get(module)!;
        expect({ process, module, admitted: self.some((name) => callers.has(name)) || callers.has('*') }).toEqual({
          process,
          module,
          admitted: true,
        });
      }
    }
  });

  it('lets a process read the event streams its modules may subscribe to, and no other', () => {
    const users = usersOf('split-redis');
    for (const [pattern, subscribers] of access.subscribers) {
      for (const { process, subject } of users) {
        const may = subject.hosts.some((module) => subscribers.includes(module) || subscribers.includes('*'));
        expect({ process, pattern, reads: subject.subscribes?.includes(pattern) }).toEqual({
          process,
          pattern,
          reads: may,
        });
      }
    }
    expect(users.find(({ process }) => process === 'identity')?.subject.subscribes).toContain('orders.order.confirmed');
  });

  it('gives the monolith its modules when it serves them over Redis, and calls nothing it hosts', () => {
    const topology = paymentsExtracted('redis://127.0.0.1:6379', 'redis://127.0.0.1:6379');
    const monolith = redisUsersOf(topology, access).find(({ process }) => process === 'monolith')!.subject;
    expect(monolith.hosts).toEqual(['identity', 'catalog', 'inventory', 'orders']);
    expect(monolith.calls).toEqual(['payments']);
    expect(monolith.speaksAs).toEqual(['identity', 'catalog', 'inventory', 'orders', 'edge', 'seed']);
  });

  it('refuses a topology that reaches a module over redis-pubsub://, whose channels the rules do not cover', () => {
    const topology = paymentsExtracted('tcp://127.0.0.1:4100', 'redis-pubsub://127.0.0.1:6379');
    expect(() => redisUsersOf(topology, access)).toThrow(
      /reaches a module over redis-pubsub:\/\/: redisAclFor writes Redis users for the streams transport only/,
    );
  });
});

describe('redisAclFile', () => {
  const users = usersOf('split-redis');
  const password = (process: string) => `a-long-password-of-${process}`;
  const file = redisAclFile(users, password);
  const lines = file.trimEnd().split('\n');

  it('turns the default user off, then gives one line per user with its password hashed, never in clear', () => {
    expect(lines[0]).toBe('user default off');
    expect(lines).toHaveLength(users.length + 1);
    for (const [index, { process, subject }] of users.entries()) {
      const line = lines[index + 1]!;
      expect(
        line.startsWith(
          `user ${subject.username} on #${createHash('sha256').update(password(process)).digest('hex')} -@all `,
        ),
      ).toBe(true);
      expect(line).not.toContain(password(process));
      expect(line).not.toMatch(/\breset\b/);
    }
  });

  it('refuses a short password', () => {
    expect(() => redisAclFile(users, () => 'short')).toThrow(/at least 16 characters/);
  });
});
