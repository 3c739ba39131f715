import { describe, expect, it } from '@jest/globals';
import { NodeEnvironmentError } from '@seam/runtime';
import { DEFAULT_ADMIN_PASSWORD } from '../seed/seed-options.js';
import { assertProductionReady, ProductionConfigError } from './production-checks.js';

const production = { NODE_ENV: 'production' };

describe('assertProductionReady', () => {
  it.each([{}, { SEAM_ADMIN_PASSWORD: '' }, { SEAM_ADMIN_PASSWORD: DEFAULT_ADMIN_PASSWORD }])(
    'refuses the default admin password in production (%p), naming SEAM_ADMIN_PASSWORD',
    (env) => {
      const attempt = () => assertProductionReady({ ...production, ...env });
      expect(attempt).toThrow(ProductionConfigError);
      expect(attempt).toThrow(/^SEAM_ADMIN_PASSWORD must be set in production/);
    },
  );

  it.each(['Production', ' PRODUCTION\n', 'productionish'])(
    'refuses NODE_ENV=%p rather than reading it as production or as development',
    (NODE_ENV) => {
      expect(() => assertProductionReady({ NODE_ENV })).toThrow(NodeEnvironmentError);
      expect(() => assertProductionReady({ NODE_ENV })).toThrow(/^NODE_ENV must be exactly one of/);
    },
  );

  it.each(['password', '12345678901', 'fifteen chars!!'])(
    'refuses an admin password shorter than 16 characters in production (%p), never showing it',
    (password) => {
      const attempt = () => assertProductionReady({ ...production, SEAM_ADMIN_PASSWORD: password });
      expect(attempt).toThrow(ProductionConfigError);
      expect(attempt).toThrow(/^SEAM_ADMIN_PASSWORD must be at least 16 characters in production/);
      expect(attempt).not.toThrow(password);
      expect(() => assertProductionReady({ SEAM_ADMIN_PASSWORD: password })).not.toThrow();
    },
  );

  it('accepts another password, and no seeding at all, in production', () => {
    expect(() => assertProductionReady({ ...production, SEAM_ADMIN_PASSWORD: 'a long random one' })).not.toThrow();
    expect(() => assertProductionReady({ ...production, SEED_DEMO_DATA: 'false' })).not.toThrow();
  });

  it('never shows the password it refuses or accepts', () => {
    const attempt = () => assertProductionReady(production);
    expect(attempt).not.toThrow(DEFAULT_ADMIN_PASSWORD);
  });

  it.each([{}, { NODE_ENV: 'development' }, { NODE_ENV: 'test' }])(
    'lets the default through outside production (%p): the seed warns instead',
    (env) => {
      expect(() => assertProductionReady(env)).not.toThrow();
    },
  );

  it('still refuses a SEED_DEMO_DATA that is neither true nor false, in any mode', () => {
    expect(() => assertProductionReady({ ...production, SEED_DEMO_DATA: 'maybe' })).toThrow(
      'SEED_DEMO_DATA must be true or false',
    );
  });
});
