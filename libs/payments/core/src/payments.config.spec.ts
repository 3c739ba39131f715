import { describe, expect, it } from '@jest/globals';
import { DEFAULT_PAYMENTS_CONFIG, paymentsConfigFromEnv } from './payments.config.js';

describe('paymentsConfigFromEnv', () => {
  it('uses the defaults when nothing is set', () => {
    expect(paymentsConfigFromEnv({})).toEqual({ providerTimeoutMs: 2_000, slowMs: 1_500 });
    expect(paymentsConfigFromEnv({ PAYMENTS_PROVIDER_TIMEOUT_MS: ' ' })).toEqual(DEFAULT_PAYMENTS_CONFIG);
  });

  it('reads both variables', () => {
    expect(paymentsConfigFromEnv({ PAYMENTS_PROVIDER_TIMEOUT_MS: '300', PAYMENTS_FAKE_SLOW_MS: '0' })).toEqual({
      providerTimeoutMs: 300,
      slowMs: 0,
    });
  });

  it('names the variable whose value cannot work', () => {
    expect(() => paymentsConfigFromEnv({ PAYMENTS_PROVIDER_TIMEOUT_MS: '2s' })).toThrow(/PAYMENTS_PROVIDER_TIMEOUT_MS/);
    expect(() => paymentsConfigFromEnv({ PAYMENTS_PROVIDER_TIMEOUT_MS: '0' })).toThrow(/PAYMENTS_PROVIDER_TIMEOUT_MS/);
    expect(() => paymentsConfigFromEnv({ PAYMENTS_FAKE_SLOW_MS: '-1' })).toThrow(/PAYMENTS_FAKE_SLOW_MS/);
    expect(() => paymentsConfigFromEnv({ PAYMENTS_FAKE_SLOW_MS: '1.5' })).toThrow(/PAYMENTS_FAKE_SLOW_MS/);
  });

  it('reads the card fingerprint key, refusing a short one without echoing it', () => {
    const key = 'k'.repeat(32);
    expect(paymentsConfigFromEnv({ PAYMENTS_CARD_FINGERPRINT_KEY: ` ${key} ` })).toMatchObject({
      cardFingerprintKey: key,
    });
    expect(paymentsConfigFromEnv({ PAYMENTS_CARD_FINGERPRINT_KEY: '  ' })).not.toHaveProperty('cardFingerprintKey');
    const short = () => paymentsConfigFromEnv({ PAYMENTS_CARD_FINGERPRINT_KEY: 'secret-but-31-bytes-long-xxxxxx' });
    expect(short).toThrow(/PAYMENTS_CARD_FINGERPRINT_KEY must be at least 32 bytes/);
    expect(short).not.toThrow(/secret-but/);
  });

  it.each(['a'.repeat(40), 'changeme'.repeat(5), 'ab'.repeat(20)])(
    'refuses a fingerprint key typed by hand in production (%p), without echoing it; development keeps it',
    (key) => {
      const production = () => paymentsConfigFromEnv({ NODE_ENV: 'production', PAYMENTS_CARD_FINGERPRINT_KEY: key });
      expect(production).toThrow(/^PAYMENTS_CARD_FINGERPRINT_KEY holds fewer than 10 distinct byte values/);
      expect(production).not.toThrow(key);
      expect(paymentsConfigFromEnv({ NODE_ENV: 'development', PAYMENTS_CARD_FINGERPRINT_KEY: key })).toMatchObject({
        cardFingerprintKey: key,
      });
    },
  );

  it('requires a fingerprint key in production (unset or blank), and not in development', () => {
    for (const unset of [{}, { PAYMENTS_CARD_FINGERPRINT_KEY: '  ' }])
      expect(() => paymentsConfigFromEnv({ NODE_ENV: 'production', ...unset })).toThrow(
        /^PAYMENTS_CARD_FINGERPRINT_KEY is required in production/,
      );
    expect(paymentsConfigFromEnv({ NODE_ENV: 'development' })).not.toHaveProperty('cardFingerprintKey');
  });

  it('takes a random fingerprint key in production', () => {
    const key = 'Qm9yZWFsaXMtNzQ5MjEtZmluZ2VycHJpbnQta2V5LXJhbmRvbQ';
    expect(
      paymentsConfigFromEnv({ NODE_ENV: 'production', PAYMENTS_CARD_FINGERPRINT_KEY: key }).cardFingerprintKey,
    ).toBe(key);
  });

  it('reads the idempotency retention in whole days, refusing one out of range', () => {
    expect(paymentsConfigFromEnv({ PAYMENTS_IDEMPOTENCY_RETENTION_DAYS: ' 7 ' })).toMatchObject({
      idempotencyRetentionMs: 7 * 86_400_000,
    });
    expect(paymentsConfigFromEnv({ PAYMENTS_IDEMPOTENCY_RETENTION_DAYS: '' })).not.toHaveProperty(
      'idempotencyRetentionMs',
    );
    for (const hostile of ['0', '1', '-30', '1.5', '1e3', '3651', '30d', '0x1e'])
      expect(() => paymentsConfigFromEnv({ PAYMENTS_IDEMPOTENCY_RETENTION_DAYS: hostile })).toThrow(
        `PAYMENTS_IDEMPOTENCY_RETENTION_DAYS must be a whole number of days from 2 to 3650, got "${hostile}"`,
      );
  });
});
