// A request handed to the TCP client before its connection is up leaves once the connection (and,
// with mesh keys, the link handshake) is ready: the callee must be told the time left by then.
import { afterEach, describe, expect, it } from '@jest/globals';
import { eventually, freePort } from '@seam/testing';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallMetadata } from '../../context/call-metadata.js';
import { metadataSentAt, type OutgoingPacket } from '../transport-client.js';
import { SeamTcpClient } from './seam-tcp.client.js';
import { GOAWAY_FRAME } from './tcp-goaway.js';
import { shuttingDownError } from '../../errors/shutting-down.js';

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

/** A request frame as the fake server reads it. */
interface Request {
  id: string;
}

/**
 * A fake Nest TCP server: `answer` decides, per connection (numbered from 0), what each request
 * gets, by writing frames itself. Frames are Nest's `<length>#<json>`.
 */
async function fakeServer(answer: (connection: number, request: Request, write: (frame: unknown) => void) => void) {
  const ended: boolean[] = [];
  const sockets: Socket[] = [];
  const server: Server = createServer((socket: Socket) => {
    const connection = ended.push(false) - 1;
    sockets.push(socket);
    socket.on('end', () => (ended[connection] = true));
    socket.on('error', () => undefined);
    const write = (frame: unknown) => {
      const json = JSON.stringify(frame);
      socket.write(`${json.length}#${json}`);
    };
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let hash = buffer.indexOf('#'); hash > 0; hash = buffer.indexOf('#')) {
        const length = Number(buffer.slice(0, hash));
        if (buffer.length < hash + 1 + length) return;
        const request = JSON.parse(buffer.slice(hash + 1, hash + 1 + length)) as Request;
        buffer = buffer.slice(hash + 1 + length);
        answer(connection, request, write);
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  };
  const stopListening = () => server.close();
  return { close, stopListening, port, ended, connections: () => ended.length };
}

describe('SeamTcpClient: a server that is stopping', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).toReversed()) await cleanup();
  });

  /** One request through `client`: its response, or its error. */
  function call(client: SeamTcpClient): Promise<unknown> {
    return new Promise((resolve, reject) =>
      client.request(packetDueIn(5_000, performance.now()), (error, response) =>
        error ? reject(error as Error) : resolve(response),
      ),
    );
  }

  it('sends a call it refused as shutting-down once more, on a new connection, and ends the old one', async () => {
    const fake = await fakeServer((connection, request, write) =>
      write(
        connection === 0
          ? { id: request.id, err: shuttingDownError('tcp://fake').toJSON(), isDisposed: true }
          : { id: request.id, response: { served: connection }, isDisposed: true },
      ),
    );
    const client = new SeamTcpClient({ host: '127.0.0.1', port: fake.port });
    cleanups.push(fake.close, () => client.close());
    await expect(call(client)).resolves.toEqual({ served: 1 });
    expect(fake.connections()).toBe(2);
    await eventually(() => expect(fake.ended[0]).toBe(true));
  });

  it('moves to a new connection when told to go away, ending the old one once it has its answers', async () => {
    let held: (() => void) | undefined;
    const fake = await fakeServer((connection, request, write) => {
      const reply = () => write({ id: request.id, response: { served: connection }, isDisposed: true });
      if (connection > 0) return reply();
      // The first call is answered only after the go-away: the old connection still owes it.
      write(GOAWAY_FRAME);
      held = reply;
    });
    const client = new SeamTcpClient({ host: '127.0.0.1', port: fake.port });
    cleanups.push(fake.close, () => client.close());
    const first = call(client);
    await eventually(() => expect(held).toBeDefined());
    await expect(call(client)).resolves.toEqual({ served: 1 });
    expect(fake.ended[0]).toBe(false);
    held!();
    await expect(first).resolves.toEqual({ served: 0 });
    await eventually(() => expect(fake.ended[0]).toBe(true));
  });
  it('still takes the answers a retired connection owes when no new connection can be made', async () => {
    let held: (() => void) | undefined;
    const fake = await fakeServer((connection, request, write) => {
      write(GOAWAY_FRAME);
      held = () => write({ id: request.id, response: { served: connection }, isDisposed: true });
    });
    const client = new SeamTcpClient({ host: '127.0.0.1', port: fake.port });
    cleanups.push(fake.close, () => client.close());
    const first = call(client);
    await eventually(() => expect(held).toBeDefined());
    // The only replica: it accepts no new connection, as a stopping process does.
    fake.stopListening();
    await expect(call(client)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    held!();
    await expect(first).resolves.toEqual({ served: 0 });
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
