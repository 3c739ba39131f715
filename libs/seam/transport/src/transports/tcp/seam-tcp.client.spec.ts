// A request handed to the TCP client before its connection is up leaves once the connection (and,
// with mesh keys, the link handshake) is ready: the callee must be told the time left by then.
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually, freePort } from '@seam/testing';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallMetadata } from '../../context/call-metadata.js';
import { metadataSentAt, type OutgoingPacket } from '../transport-client.js';
import { SeamTcpClient } from './seam-tcp.client.js';

const BUDGET_MS = 1_000;
const CONNECTING_MS = 300;

function packetDueIn(budgetMs: number, now: number): OutgoingPacket {
  const metadata = { traceparent: '', 'seam-caller': 'budget-test', 'seam-budget-ms': String(budgetMs) };
  return { pattern: 'probe.echo-message', data: {}, metadata: metadata as CallMetadata, deadline: now + budgetMs };
}

/** A client whose connection takes at least `CONNECTING_MS` to come up, as a slow dial or handshake. */
class SlowToConnectClient extends SeamTcpClient {
  override async connect(): Promise<unknown> {
    await sleep(CONNECTING_MS);
    return super.connect();
  }
}

describe('SeamTcpClient: the budget a request states on the wire', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
  });

  async function rawServer(): Promise<{ port: number; received: () => string }> {
    let received = '';
    const server: Server = createServer((socket) => socket.on('data', (chunk) => (received += chunk.toString())));
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { port, received: () => received };
  }

  it('is what is left once the connection is up, not the budget the call started with', async () => {
    const { port, received } = await rawServer();
    const client = new SlowToConnectClient({ host: '127.0.0.1', port });
    cleanups.push(() => client.close());
    const cancel = client.request(packetDueIn(BUDGET_MS, performance.now()), () => undefined);
    cleanups.push(cancel);
    const stated = await eventually(() => {
      const match = /"seam-budget-ms":"(\d+)"/.exec(received());
      expect(match).not.toBeNull();
      return Number(match![1]);
    });
    // At least CONNECTING_MS went by before the frame left, however loaded the machine.
    expect(stated).toBeLessThanOrEqual(BUDGET_MS - CONNECTING_MS);
    expect(stated).toBeGreaterThanOrEqual(1);
  });
});

describe('metadataSentAt', () => {
  it('keeps the metadata object when nothing was spent', () => {
    const packet = packetDueIn(500, 1_000);
    expect(metadataSentAt(packet, 1_000)).toBe(packet.metadata);
  });

  it('states the whole milliseconds left, leaving the caller’s object untouched', () => {
    const packet = packetDueIn(500, 1_000);
    expect(metadataSentAt(packet, 1_120.5)).toEqual({ ...packet.metadata, 'seam-budget-ms': '379' });
    expect(packet.metadata['seam-budget-ms']).toBe('500');
  });

  it('never states less than 1 ms, and leaves packets without a deadline alone', () => {
    expect(metadataSentAt(packetDueIn(500, 1_000), 9_000)['seam-budget-ms']).toBe('1');
    const undated = { ...packetDueIn(500, 1_000), deadline: undefined };
    expect(metadataSentAt(undated, 9_000)).toBe(undated.metadata);
  });
});
