import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@seam/testing';
import { type Endpoint, MAX_REPORTED_VIOLATIONS, validatePayload, ValidationError } from '@seam/transport';
import { CheckOrderRequest, ProbeContract } from '../parity/fixtures/probe.contract.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { expectNormalCallSucceeds, type HostileTarget, startTarget } from './support/hostile-apps.js';

/** 50 lines (the most the DTO allows), each with two wrong fields, and 300 unknown fields: 400 violations. */
const HOSTILE = {
  customer: 'c-1',
  lines: Array.from({ length: 50 }, () => ({ sku: 7, quantity: 'many' })),
  ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`unknown${i}`, 'k'.repeat(300)])),
};

/** The error the door throws in this process (what an in-process call gets, the handler's own pipe). */
function doorError(): ValidationError {
  try {
    validatePayload(CheckOrderRequest, structuredClone(HOSTILE));
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('the hostile payload was accepted');
}

/** What a caller receives for the hostile payload through `target`'s wire. */
async function wireError(target: HostileTarget): Promise<ValidationError> {
  const failure = await target.client.send(ProbeContract.checkOrder, HOSTILE as never, { timeoutMs: 10_000 }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ValidationError);
  return failure as ValidationError;
}

const redisSkip = redisUnavailableReason();
const wires: Array<{
  name: string;
  skip?: string;
  endpoint: () => Promise<{ endpoint: Endpoint; stop(): Promise<void> }>;
}> = [
  {
    name: 'TCP',
    endpoint: async () => ({
      endpoint: { transport: 'tcp', host: '127.0.0.1', port: await freePort() },
      stop: async () => {},
    }),
  },
  {
    name: 'Redis Streams',
    skip: redisSkip,
    endpoint: async () => {
      const redis = await PrivateRedis.start();
      return { endpoint: { transport: 'redis', url: redis.url }, stop: () => redis.stop() };
    },
  },
];

describe('a validation error is capped the same way in every mode', () => {
  it('in this process: 20 fields of the 400 found, the count in the message, of bounded size', () => {
    const error = doorError();
    expect(error.message).toBe(`Invalid CheckOrderRequest (${MAX_REPORTED_VIOLATIONS} of 400 invalid fields listed)`);
    expect(error.fields).toHaveLength(MAX_REPORTED_VIOLATIONS);
    expect(JSON.stringify(error.fields).length).toBeLessThan(5_000);
  });

  for (const wire of wires) {
    (wire.skip ? describe.skip : describe)(`over ${wire.name}${wire.skip ? ` — skipped: ${wire.skip}` : ''}`, () => {
      let target: HostileTarget;
      let stop: () => Promise<void> = async () => {};

      beforeAll(async () => {
        const started = await wire.endpoint();
        stop = started.stop;
        target = await startTarget(started.endpoint);
      }, 60_000);

      afterAll(async () => {
        await target?.close();
        await stop();
      });

      it('the caller gets the very error the door threw: same message, same fields', async () => {
        const expected = doorError();
        const received = await wireError(target);
        expect({ message: received.message, fields: received.fields }).toEqual({
          message: expected.message,
          fields: expected.fields,
        });
        await expectNormalCallSucceeds(target);
      });
    });
  }
});
