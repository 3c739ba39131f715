import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DEFAULT_MAX_MESSAGE_BYTES, ENVELOPE_ALLOWANCE_BYTES, SeamTcpServer } from '@seam/transport';
import { eventually, freePort, LoopStalls } from '@seam/testing';
import { expectNormalCallSucceeds, type HostileTarget, startTarget } from './support/hostile-apps.js';
import { RawTcpPeer } from './support/raw-tcp-peer.js';

// Small enough to reach from one test, large enough that the caller, the checks' own connections
// and a loaded 2-core machine's stalls (hundreds of ms) never trip them by accident.
const MAX_CONNECTIONS = 40;
const MAX_BUFFERED = 3 * 1024 * 1024;
const FIRST_FRAME_MS = 2_000;
const LOG_INTERVAL_MS = 1_000;
/** Node timers may fire a millisecond early; the clock here starts before the server even reads. */
const TIMER_SLACK_MS = 5;
const FRAME_LIMIT = DEFAULT_MAX_MESSAGE_BYTES + ENVELOPE_ALLOWANCE_BYTES;

describe('Hostile input: TCP limits across connections (Seam TCP server in this process)', () => {
  let port: number;
  let target: HostileTarget;
  let server: SeamTcpServer;
  const peers: RawTcpPeer[] = [];
  const openPeer = async () => {
    const peer = await RawTcpPeer.open(port);
    peers.push(peer);
    return peer;
  };
  const echo = (id: string) => ({ id, pattern: 'probe.echo-message', data: { text: id, count: 1 } });

  /** The server still answers: the caller's pooled Seam connection, and a brand-new raw one. */
  async function expectServing(): Promise<void> {
    await expectNormalCallSucceeds(target);
    const fresh = await openPeer();
    expect((await fresh.call(echo('fresh'))).json).toMatchObject({ id: 'fresh', response: { text: 'fresh' } });
  }

  beforeAll(async () => {
    port = await freePort();
    target = await startTarget(
      { transport: 'tcp', host: '127.0.0.1', port },
      {
        tcpServer: {
          maxConnections: MAX_CONNECTIONS,
          maxBufferedBytes: MAX_BUFFERED,
          firstFrameTimeoutMs: FIRST_FRAME_MS,
          rejectionLogIntervalMs: LOG_INTERVAL_MS,
        },
      },
    );
    server = target.servers.find((candidate) => candidate instanceof SeamTcpServer)!;
    await expectNormalCallSucceeds(target, 'warm-up');
  });
  /** Only the caller's pooled connection is open, and nothing is held: where each test starts. */
  async function expectSettled(): Promise<void> {
    await eventually(() => expect(server.stats).toMatchObject({ connections: 1, bufferedBytes: 0 }));
  }

  afterEach(async () => {
    peers.splice(0).forEach((peer) => peer.destroy());
    await expectSettled();
  });
  afterAll(async () => {
    peers.forEach((peer) => peer.destroy());
    await target?.close();
  });

  it('closes connections that never complete a frame after firstFrameTimeoutMs, and keeps pooled ones that did', async () => {
    const pooled = await openPeer();
    expect((await pooled.call(echo('before'))).json).toMatchObject({ response: { text: 'before' } });
    const timeoutsBefore = server.stats.rejections['first-frame-timeout'];
    const stalls = LoopStalls.watch();
    const openedAt = performance.now();
    const silent = await Promise.all(Array.from({ length: 30 }, () => openPeer()));
    const closedAt = await Promise.all(silent.map((peer) => peer.closedWithin(FIRST_FRAME_MS + 5_000)));
    for (const at of closedAt) {
      expect(at - openedAt).toBeGreaterThanOrEqual(FIRST_FRAME_MS - TIMER_SLACK_MS);
      // + the longest stall of this process meanwhile: no timer fires during one (see LoopStalls).
      expect(at - openedAt).toBeLessThan(FIRST_FRAME_MS + 1_000 + stalls.longestMs());
    }
    stalls.stop();
    // Exactly these: neither the raw pooled connection nor the caller's, both idle as long.
    expect(server.stats.rejections['first-frame-timeout']).toBe(timeoutsBefore + 30);
    expect(pooled.open).toBe(true);
    expect((await pooled.call(echo('after'))).json).toMatchObject({ response: { text: 'after' } });
    await expectServing();
  });

  it('refuses connections beyond maxConnections at once, and serves again once the slots free up', async () => {
    const refusedBefore = server.stats.rejections['connection-limit'];
    await Promise.all(Array.from({ length: MAX_CONNECTIONS - 1 }, () => openPeer())); // + the caller's
    await eventually(() => expect(server.stats.connections).toBe(MAX_CONNECTIONS));
    const stalls = LoopStalls.watch();
    const openedAt = performance.now();
    const extra = await Promise.all(Array.from({ length: 5 }, () => openPeer()));
    for (const peer of extra) {
      // Refused on arrival, well before the first-frame timeout would have closed it.
      expect((await peer.closedWithin(FIRST_FRAME_MS + 5_000)) - openedAt).toBeLessThan(
        FIRST_FRAME_MS / 2 + stalls.longestMs(),
      );
    }
    stalls.stop();
    await eventually(() => expect(server.stats.rejections['connection-limit']).toBe(refusedBefore + 5));
    // The caller's pooled connection is one of the 40: it keeps working while the server is full.
    await expectNormalCallSucceeds(target, 'while full');
    // The silent ones give their slots back at the first-frame timeout, without anyone's help.
    await eventually(() => expect(server.stats.connections).toBe(1), { timeoutMs: FIRST_FRAME_MS + 5_000 });
    await expectServing();
  });

  it('bounds partial frames across connections by maxBufferedBytes: the connection that would exceed it is closed', async () => {
    const limitsBefore = server.stats.rejections['buffer-limit'];
    const share = 600_000; // five fit in 3 MiB, the sixth does not
    const flood: RawTcpPeer[] = [];
    for (let i = 0; i < 5; i++) {
      const peer = await openPeer();
      flood.push(peer);
      void peer.write(`${FRAME_LIMIT}#${'x'.repeat(share)}`);
      await eventually(() => expect(server.stats.bufferedBytes).toBe((i + 1) * share));
    }
    const sixth = await openPeer();
    void sixth.write(`${FRAME_LIMIT}#${'x'.repeat(share)}`);
    await sixth.closedWithin(5_000);
    expect(server.stats.rejections['buffer-limit']).toBe(limitsBefore + 1);
    expect(server.stats.bufferedBytes).toBe(5 * share);
    expect(flood.every((peer) => peer.open)).toBe(true); // the others keep what they sent
    await expectServing(); // small frames still fit in what is left
    flood.forEach((peer) => peer.destroy());
    await eventually(() => expect(server.stats.bufferedBytes).toBe(0)); // given back on close
  });

  it('counts every bad frame exactly and logs them in one line per interval, without a stack', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const badBefore = server.stats.badFrames;
      const lengthsBefore = server.stats.rejections['invalid-length'];
      const startedAt = performance.now();
      for (let i = 0; i < 30; i++) {
        const peer = await openPeer();
        await peer.write('xx#{}');
        await peer.closedWithin(5_000);
      }
      expect(server.stats.badFrames).toBe(badBefore + 30);
      expect(server.stats.rejections['invalid-length']).toBe(lengthsBefore + 30);
      const lines = () =>
        warn.mock.calls.map(([line]) => String(line)).filter((line) => line.includes(`127.0.0.1:${port} dropped`));
      // Each is in a line: one logged at once ("…: invalid-length (…)"), the rest summed up ("invalid-length 29").
      const logged = (all: string[]) =>
        all.reduce((sum, line) => {
          if (line.includes(': invalid-length (')) return sum + 1;
          return sum + Number(/invalid-length (\d+)/.exec(line)?.[1] ?? 0);
        }, 0);
      await eventually(() => expect(logged(lines())).toBe(30), { timeoutMs: LOG_INTERVAL_MS * 3 + 5_000 });
      const elapsed = performance.now() - startedAt;
      expect(lines().length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / LOG_INTERVAL_MS));
      expect(lines().length).toBeLessThan(30);
      for (const line of lines()) expect(line).not.toMatch(/\n|\bat /);
    } finally {
      warn.mockRestore();
    }
    await expectServing();
  });
});
