import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ADMIN_PASSWORD, seedOptionsFromEnv } from './seed-options.js';

describe('seedOptionsFromEnv', () => {
  it('seeds by default, with admin@seam.local and the default password (flagged)', () => {
    expect(seedOptionsFromEnv({})).toEqual({
      enabled: true,
      adminEmail: 'admin@seam.local',
      adminPassword: DEFAULT_ADMIN_PASSWORD,
      defaultPassword: true,
    });
    expect(seedOptionsFromEnv({ SEAM_ADMIN_PASSWORD: '' }).defaultPassword).toBe(true);
  });

  it('reads SEAM_ADMIN_EMAIL, SEAM_ADMIN_PASSWORD and SEED_DEMO_DATA', () => {
    expect(
      seedOptionsFromEnv({
        SEAM_ADMIN_EMAIL: 'ops@shop.example',
        SEAM_ADMIN_PASSWORD: 'a long secret',
        SEED_DEMO_DATA: 'FALSE',
      }),
    ).toEqual({
      enabled: false,
      adminEmail: 'ops@shop.example',
      adminPassword: 'a long secret',
      defaultPassword: false,
    });
  });

  it('refuses a SEED_DEMO_DATA that is neither true nor false', () => {
    expect(() => seedOptionsFromEnv({ SEED_DEMO_DATA: 'no' })).toThrow(
      'SEED_DEMO_DATA must be true or false, got "no"',
    );
  });
});
