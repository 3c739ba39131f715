import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { dataSourceOptions, openDataSource } from '@seam/persistence';
import { eventually } from '@seam/testing';
import { UnavailableError } from '@seam/transport';
import { paymentsData } from '../payments.data.js';
import { BoundedPaymentProvider, withinTimeout } from './bounded-payment-provider.js';
import { FAKE_CARDS, FakePaymentProvider } from './fake-payment-provider.js';

describe('withinTimeout', () => {
  it('answers what the call answers in time', async () => {
    await expect(withinTimeout(async () => 42, 1_000, 'capture')).resolves.toBe(42);
  });

  it('passes the call’s own failure on unchanged', async () => {
    await expect(withinTimeout(() => Promise.reject(new Error('refused')), 1_000, 'capture')).rejects.toThrow(
      'refused',
    );
  });

  it('fails with UnavailableError once the time is up, not before', async () => {
    const started = performance.now();
    const error = await withinTimeout(() => new Promise<never>(() => undefined), 60, 'refund').catch(
      (caught: unknown) => caught,
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({
      message: 'payment provider did not answer within 60 ms',
      details: { operation: 'refund', timeoutMs: 60 },
    });
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect(elapsed).toBeLessThan(1_000);
  });
});

describe('BoundedPaymentProvider', () => {
  describe('authorize', () => {
    it('bounds the slow card by the configured timeout, without cancelling it: the hold is made later', async () => {
      const dataSource = await openDataSource(dataSourceOptions(paymentsData, { kind: 'memory' }));
      try {
        // The slow card takes 1 s, far beyond the 50 ms timeout: the ledger must still be empty when
        // the timeout is checked below even after a stall of hundreds of ms on a loaded 2-core CI machine.
        const fake = new FakePaymentProvider(dataSource, { slowMs: 1_000 });
        const bounded = new BoundedPaymentProvider(fake, { providerTimeoutMs: 50, slowMs: 1_000 });
        await expect(bounded.authorize(FAKE_CARDS.slow, { amount: 100, currency: 'EUR' })).rejects.toBeInstanceOf(
          UnavailableError,
        );
        expect(await fake.ledger()).toEqual([]);
        await eventually(async () =>
          expect((await fake.ledger()).map((entry) => entry.type)).toEqual(['authorization']),
        );
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
