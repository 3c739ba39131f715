import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { CallPoliciesError, DEFAULT_CALL_POLICY, parseCallPolicies } from './call-policies.config.js';
import { loadCallPolicies } from './load-call-policies.js';
import { RetryBudget } from './retry-budget.js';

describe('call policies configuration', () => {
  describe('parseCallPolicies', () => {
    it('overrides the defaults section by section, for the default and per module', () => {
      const config = parseCallPolicies(
        {
          default: { deadlineMs: 3_000 },
          modules: { payments: { bulkhead: { maxConcurrent: 5 }, retry: { maxAttempts: 1 } } },
        },
        'test.json',
      );
      expect(config.default).toEqual({ ...DEFAULT_CALL_POLICY, deadlineMs: 3_000 });
      expect(config.modules.payments).toEqual({
        ...DEFAULT_CALL_POLICY,
        deadlineMs: 3_000,
        retry: { ...DEFAULT_CALL_POLICY.retry, maxAttempts: 1 },
        bulkhead: { ...DEFAULT_CALL_POLICY.bulkhead, maxConcurrent: 5 },
      });
    });

    it.each([
      ['not an object', [], /the document must be an object/],
      ['an unknown top-level key', { defaults: {} }, /unknown key\(s\) "defaults"/],
      [
        'a typo in a section',
        { default: { breaker: { failureRate: 0.5 } } },
        /default\.breaker has unknown key\(s\) "failureRate"/,
      ],
      ['a string number', { default: { deadlineMs: '5000' } }, /default\.deadlineMs must be a number/],
      [
        'a fraction where an integer is needed',
        { default: { bulkhead: { maxConcurrent: 1.5 } } },
        /must be an integer/,
      ],
      ['a negative deadline', { default: { deadlineMs: -1 } }, /must be between 1 and 600000/],
      [
        'a ratio above 1',
        { modules: { payments: { breaker: { failureRatio: 2 } } } },
        /modules\.payments\.breaker\.failureRatio must be between/,
      ],
      [
        'a retry budget above 100%',
        { default: { retry: { budgetRatio: 1.5 } } },
        /budgetRatio must be between 0 and 1/,
      ],
      ['NaN smuggled as null', { default: { deadlineMs: null } }, /must be a number/],
      ['a module name with a slash', { modules: { '../etc': {} } }, /is not a module name/],
      ['a prototype key', JSON.parse('{"modules":{"__proto__":{"deadlineMs":1}}}'), /is not a module name/],
      [
        'maxDelayMs below initialDelayMs',
        { default: { retry: { initialDelayMs: 500, maxDelayMs: 100 } } },
        /maxDelayMs must be at least initialDelayMs/,
      ],
      [
        'minimumCalls above windowCalls',
        { default: { breaker: { minimumCalls: 30, windowCalls: 20 } } },
        /minimumCalls must not exceed windowCalls/,
      ],
    ])('refuses %s, naming the file and the key', (_, value, message) => {
      expect(() => parseCallPolicies(value, 'policies.json')).toThrow(CallPoliciesError);
      expect(() => parseCallPolicies(value, 'policies.json')).toThrow(message);
      expect(() => parseCallPolicies(value, 'policies.json')).toThrow(/^policies\.json: /);
    });
  });

  describe('loadCallPolicies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seam-policies-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('uses the defaults when no file is named and none is in the working directory', () => {
      expect(loadCallPolicies({}, dir)).toEqual({
        config: { default: DEFAULT_CALL_POLICY, modules: {} },
        source: 'defaults',
      });
    });

    it('reads the named file, and refuses one that is missing or not JSON', () => {
      writeFileSync(join(dir, 'ok.json'), JSON.stringify({ modules: { inventory: { deadlineMs: 900 } } }));
      expect(loadCallPolicies({ SEAM_CALL_POLICIES_FILE: 'ok.json' }, dir).config.modules.inventory?.deadlineMs).toBe(
        900,
      );
      expect(() => loadCallPolicies({ SEAM_CALL_POLICIES_FILE: 'missing.json' }, dir)).toThrow(
        /missing\.json: cannot be read \(ENOENT\)/,
      );
      writeFileSync(join(dir, 'bad.json'), '{ "default": ');
      expect(() => loadCallPolicies({ SEAM_CALL_POLICIES_FILE: 'bad.json' }, dir)).toThrow(/bad\.json: is not JSON/);
    });
  });

  describe('RetryBudget', () => {
    it('allows the reserve, then one retry per 1/ratio first attempts', () => {
      const budget = new RetryBudget(0.2, 2);
      expect([budget.spend(), budget.spend(), budget.spend()]).toEqual([true, true, false]);
      for (let index = 0; index < 4; index++) budget.earn();
      expect(budget.spend()).toBe(false);
      budget.earn();
      expect(budget.spend()).toBe(true);
    });
  });
});
