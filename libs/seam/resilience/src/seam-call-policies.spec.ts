import { describe, expect, it } from '@jest/globals';
import type { RequestEntry } from '@seam/transport';
import { DEFAULT_CALL_POLICY } from './call-policies.config.js';
import { SeamCallPolicies } from './seam-call-policies.js';

describe('SeamCallPolicies', () => {
  describe('summary', () => {
    it('puts the modules with the same policy on one line, naming where the policies came from', () => {
      const policies = new SeamCallPolicies(
        { default: DEFAULT_CALL_POLICY, modules: { payments: { ...DEFAULT_CALL_POLICY, deadlineMs: 8_000 } } },
        'policies.json',
      );
      const lines = policies.summary(['orders', 'catalog', 'payments', 'catalog']);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^Call policies from policies\.json: calls to catalog, orders: deadline 5000 ms; retries: /,
      );
      expect(lines[1]).toMatch(/^Call policies from policies\.json: calls to payments: deadline 8000 ms; /);
    });
  });

  it('gives a module named like a property of every object (constructor) the default policy', async () => {
    const policies = new SeamCallPolicies({ default: DEFAULT_CALL_POLICY, modules: {} });
    // Before: the lookup found Object.prototype.constructor — no deadline, and a TypeError for every call.
    expect(policies.deadlineFor('constructor')).toBe(DEFAULT_CALL_POLICY.deadlineMs);
    const entry = { kind: 'request', module: 'constructor', pattern: 'constructor.get', idempotent: true } as const;
    await expect(
      policies.execute(entry as unknown as RequestEntry, performance.now() + 1_000, () => Promise.resolve('ok')),
    ).resolves.toBe('ok');
  });
});
