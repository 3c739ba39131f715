import { describe, expect, it } from '@jest/globals';
import { isProduction, NodeEnvironmentError, nodeEnvironment } from './node-environment.js';

describe('node-environment', () => {
  describe('nodeEnvironment', () => {
    it.each(['production', 'development', 'test'])('takes NODE_ENV=%p as it is', (NODE_ENV) => {
      expect(nodeEnvironment({ NODE_ENV })).toBe(NODE_ENV);
    });

    it('counts unset and empty as development', () => {
      expect(nodeEnvironment({})).toBe('development');
      expect(nodeEnvironment({ NODE_ENV: '' })).toBe('development');
    });

    it.each(['Production', ' PRODUCTION ', 'production\n', 'prod', 'staging', 'productionish', ' '])(
      'refuses NODE_ENV=%p, naming the variable',
      (NODE_ENV) => {
        expect(() => nodeEnvironment({ NODE_ENV })).toThrow(NodeEnvironmentError);
        expect(() => nodeEnvironment({ NODE_ENV })).toThrow(
          /^NODE_ENV must be exactly one of production, development, test .*; got "/,
        );
      },
    );

    it('quotes at most 20 characters of the value it refuses', () => {
      expect(() => nodeEnvironment({ NODE_ENV: `production${'x'.repeat(100)}` })).toThrow(
        `got ${JSON.stringify(`production${'x'.repeat(10)}`)}`,
      );
    });
  });

  describe('isProduction', () => {
    it('is true for NODE_ENV=production only', () => {
      expect(isProduction({ NODE_ENV: 'production' })).toBe(true);
      expect(isProduction({ NODE_ENV: 'development' })).toBe(false);
      expect(isProduction({ NODE_ENV: 'test' })).toBe(false);
      expect(isProduction({})).toBe(false);
    });

    it('refuses a near miss of production instead of reading it either way', () => {
      expect(() => isProduction({ NODE_ENV: 'Production' })).toThrow(NodeEnvironmentError);
    });
  });
});
