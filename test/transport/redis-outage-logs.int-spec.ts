// A Redis outage as the logs of a callee process tell it: ioredis reports every failed reconnection
// attempt as an 'error' event, which it prints on its own ("[ioredis] Unhandled error event" and a
// stack) when nothing listens, and which Nest's pub/sub transport logs as an error each time. A
// Seam server logs the outage through its logger once, with its reason, however many attempts fail;
// so does the client of the caller (in this process).
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Endpoint } from '@seam/transport';
import { eventually } from '@seam/testing';
import { ProbeContract } from '../parity/fixtures/probe.contract.js';
import { type ParityTarget, remoteTarget } from '../parity/support/parity-target.js';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';
import { RedisProxy } from './support/redis-proxy.js';

const skipReason = redisUnavailableReason();
const suite = skipReason ? describe.skip : describe;

/** Reconnection attempts refused before Redis comes back: several per connection of each side. */
const REFUSED_ATTEMPTS = 30;

describe.each([
  ['streams', (url: string): Endpoint => ({ transport: 'redis', url })],
  ['pubsub', (url: string): Endpoint => ({ transport: 'redis', url, mode: 'pubsub' })],
] as const)('Redis %s server, logs of an outage', (mode, endpointFor) => {
  suite(`${mode}: Redis out of reach, then back${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
    let redis: PrivateRedis;
    let proxy: RedisProxy;
    let target: ParityTarget;
    beforeAll(async () => {
      redis = await PrivateRedis.start();
      proxy = await RedisProxy.start(redis.port);
      target = await remoteTarget(() => endpointFor(proxy.url));
    }, 120_000); // the callee process gets 60 s to start (see remoteTarget) on a loaded 2-core CI machine
    afterEach(() => void jest.restoreAllMocks());
    afterAll(async () => {
      await target?.close();
      await proxy?.stop();
      await redis?.stop();
    });

    it('warns once with the reason, not once per reconnection attempt, on both sides, and prints nothing of its own', async () => {
      await expect(target.client.send(ProbeContract.echo, { text: 'before', count: 1 })).resolves.toEqual({
        text: 'before',
        count: 1,
      });
      const callerWarnings: string[] = [];
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
        callerWarnings.push(String(message));
      });
      const callerErrors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      proxy.cut();
      await eventually(() => expect(proxy.refused).toBeGreaterThanOrEqual(REFUSED_ATTEMPTS), { timeoutMs: 30_000 });
      proxy.forward();
      await eventually(
        () =>
          expect(
            target.client.send(ProbeContract.echo, { text: 'after', count: 2 }, { timeoutMs: 1_000 }),
          ).resolves.toEqual({ text: 'after', count: 2 }),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(callerWarnings.filter((line) => /client.*Redis connection failed/.test(line))).toHaveLength(1);
      expect(callerErrors).not.toHaveBeenCalled();
      const output = target.replicas[0]!.output();
      expect(output).not.toContain('Unhandled error event');
      expect(output).not.toMatch(/ERROR.*(ECONNRESET|ECONNREFUSED|EPIPE)/);
      // One line: however the sockets failed (reset while reading, writing, connecting), Redis was out of reach.
      const warnings = output.split('\n').filter((line) => /Redis connection (failed|still failing)/.test(line));
      expect(warnings).toEqual([
        expect.stringMatching(/server.*\(redis:\/\/127\.0\.0\.1:\d+\): Redis connection failed.*: \S+.*; reconnecting/),
      ]);
    }, 90_000);
  });
});
