import { describe, expect, it } from '@jest/globals';
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
});
