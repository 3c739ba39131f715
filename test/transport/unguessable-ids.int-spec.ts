// The ids that route replies must not be predictable from earlier ones: a peer that could guess
// the next request id or reply channel could answer a call in the callee's place. Read off the
// wire: what a Seam TCP client writes to a socket, and what a Seam Redis streams client appends.
import { afterAll, describe, expect, it } from '@jest/globals';
import { type CallMetadata, RedisStreamsClient, SeamTcpClient } from '@seam/transport';
import { eventually, freePort } from '@seam/testing';
import { Redis } from 'ioredis';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PrivateRedis, redisUnavailableReason } from '../support/redis-server.js';

const METADATA = { traceparent: '', 'seam-caller': 'ids-test', 'seam-budget-ms': '5000' } as CallMetadata;

/** Two ids share no structure: 128 bits of hex each, different, and no long common run. */
function expectUnrelated(ids: string[]): void {
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  for (let index = 1; index < ids.length; index++) {
    const [previous, next] = [ids[index - 1]!, ids[index]!];
    expect(next).not.toBe(previous);
    // A counter or a sliding window (Nest's uid) would share a run of 8 characters or more.
    expect(longestCommonRun(previous, next)).toBeLessThan(8);
  }
}

function longestCommonRun(a: string, b: string): number {
  let longest = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) {
      let run = 0;
      while (a[i + run] !== undefined && a[i + run] === b[j + run]) run++;
      longest = Math.max(longest, run);
    }
  return longest;
}

describe('Unguessable ids on the wire', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.toReversed()) await cleanup();
  });

  it('SeamTcpClient: consecutive request ids are 128 random bits, unlike Nest’s sliding-window uid', async () => {
    let received = '';
    const server: Server = createServer((socket) => socket.on('data', (chunk) => (received += chunk.toString())));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const client = new SeamTcpClient({ host: '127.0.0.1', port });
    cleanups.push(
      () => new Promise((resolve) => server.close(resolve)),
      () => client.close(),
    );
    const cancels = Array.from({ length: 5 }, (_, index) =>
      client.request({ pattern: 'probe.echo-message', data: { index }, metadata: METADATA }, () => undefined),
    );
    const ids = await eventually(() => {
      const found = [...received.matchAll(/"id":"([^"]+)"/g)].map((match) => match[1]!);
      expect(found).toHaveLength(5);
      return found;
    });
    cancels.forEach((cancel) => cancel());
    expectUnrelated(ids);
  });

  const redisSkip = redisUnavailableReason();
  const overRedis = redisSkip ? describe.skip : describe;
  overRedis(`over Redis${redisSkip ? ` (skipped: ${redisSkip})` : ''}`, () => {
    it('RedisStreamsClient: request ids and reply channels are 128 random bits', async () => {
      const redis = await PrivateRedis.start();
      cleanups.push(() => redis.stop());
      const url = redis.url;
      const probe = new Redis(url, { maxRetriesPerRequest: 0 });
      cleanups.push(() => probe.quit());
      const module = `ids-${randomBytes(4).toString('hex')}`;
      const stream = `seam:rq:${module}`;
      const ids: string[] = [];
      const channels = new Set<string>();
      for (let round = 0; round < 3; round++) {
        // No server reads the stream: with the default window (600 ms) the client would judge the
        // module down and delete its calls' entries before the test has read them, on a loaded machine.
        const client = new RedisStreamsClient({ url, suspectAfterMs: 60_000 });
        cleanups.push(() => client.close());
        for (let call = 0; call < 2; call++) {
          client.request({ pattern: `${module}.do-thing`, data: { call }, metadata: METADATA }, () => undefined);
          // One call per entry: wait for it before sending the next.
          await eventually(async () => expect(await probe.xlen(stream)).toBe(round * 2 + call + 1));
        }
      }
      const entries = await probe.xrange(stream, '-', '+');
      for (const [, fields] of entries) {
        const packet = JSON.parse(fields[1]!) as { id: string; replyTo: string };
        ids.push(packet.id);
        channels.add(packet.replyTo);
      }
      expectUnrelated(ids);
      const clientIds = [...channels].map((channel) => channel.replace(/^seam:rp:/, ''));
      expect(clientIds).toHaveLength(3);
      expectUnrelated(clientIds);
    });
  });
});
