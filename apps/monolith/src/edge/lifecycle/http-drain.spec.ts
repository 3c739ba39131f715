import { afterEach, describe, expect, it } from '@jest/globals';
import { Agent, createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';
import { UnavailableError } from '@seam/transport';
import { HttpDrain } from './http-drain.js';

interface Reply {
  status: number;
  connection?: string;
  body: string;
}

/**
 * A server whose `/slow` requests wait until released and whose `/upload` requests read their
 * body before answering, behind the drain middleware.
 */
function serverWithDrain() {
  const drain = new HttpDrain({} as HttpAdapterHost);
  const waiting: Array<() => void> = [];
  const reading: IncomingMessage[] = [];
  const refusals: unknown[] = [];
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) =>
    drain.middleware(incoming, response, (error?: unknown) => {
      if (error) {
        refusals.push(error);
        response.statusCode = 503;
        response.end('draining');
      } else if (incoming.url === '/slow') waiting.push(() => response.end('slow done'));
      else if (incoming.url === '/upload') {
        reading.push(incoming);
        incoming.resume().once('end', () => response.end('uploaded'));
      } else response.end('ok');
    }),
  );
  return { drain, server, waiting, reading, refusals };
}

/** A POST to `/upload` that announces 100 bytes and sends 10; resolves once sent, with its connection's close. */
async function unfinishedUpload(port: number): Promise<{ closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // a reset is as good as a close here
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write('POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789');
  return { closed };
}

/** What a test that would hang gets instead, long after anything here should have happened. */
const stillWaitingAfter = (ms: number) =>
  new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref());

function request(port: number, path: string, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) =>
    get({ port, path, agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode!, connection: response.headers.connection, body }),
      );
    }).on('error', reject),
  );
}

const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('HttpDrain', () => {
  const servers: Server[] = [];
  const agents: Agent[] = [];
  const listening = async () => {
    const setup = serverWithDrain();
    servers.push(setup.server);
    await new Promise<void>((resolve) => setup.server.listen(0, '127.0.0.1', resolve));
    return { ...setup, port: (setup.server.address() as AddressInfo).port };
  };
  const keepAliveAgent = () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    return agent;
  };
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.destroy();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      if (server.listening) await closed(server);
    }
  });

  describe('begin', () => {
    it('lets a request in flight finish, closes its keep-alive connection, and lets server.close() resolve at once', async () => {
      const { drain, server, waiting, port } = await listening();
      const idle = keepAliveAgent();
      await request(port, '/warm-up', idle); // leaves an idle keep-alive connection
      const slow = request(port, '/slow', keepAliveAgent());
      await until(() => waiting.length === 1);

      drain.begin(server, 60_000);
      const serverClosed = closed(server);
      const started = performance.now();
      waiting[0]!();
      await expect(slow).resolves.toEqual({ status: 200, connection: 'close', body: 'slow done' });
      await serverClosed;
      // Without the drain, close() waits for the keep-alive timeout of that connection (~5 s); 3 s
      // leaves room for stalls of hundreds of ms on a loaded 2-core CI machine and still tells them apart.
      expect(performance.now() - started).toBeLessThan(3_000);
    });

    it('refuses requests that arrive while draining with UnavailableError and Connection: close', async () => {
      const { drain, server, waiting, refusals, port } = await listening();
      const slow = request(port, '/slow', keepAliveAgent());
      await until(() => waiting.length === 1);
      drain.begin(server, 60_000);
      await expect(request(port, '/late', keepAliveAgent())).resolves.toEqual({
        status: 503,
        connection: 'close',
        body: 'draining',
      });
      expect(refusals).toEqual([expect.any(UnavailableError)]);
      waiting[0]!();
      await expect(slow).resolves.toMatchObject({ status: 200, body: 'slow done' });
    });

    it('closes at once the connection of a request still receiving its body, and lets one that has it finish', async () => {
      const { drain, server, waiting, reading, port } = await listening();
      const slow = request(port, '/slow', keepAliveAgent());
      const upload = await unfinishedUpload(port);
      await until(() => waiting.length === 1 && reading.length === 1);

      drain.begin(server, 60_000);

      // Without the cut-off it would hold the drain for the whole grace period (60 s here).
      await expect(Promise.race([upload.closed.then(() => 'closed'), stillWaitingAfter(5_000)])).resolves.toBe(
        'closed',
      );
      waiting[0]!();
      await expect(slow).resolves.toEqual({ status: 200, connection: 'close', body: 'slow done' });
    });

    it('destroys what is still open once the grace period is over', async () => {
      const { drain, server, waiting, port } = await listening();
      const hung = request(port, '/slow', keepAliveAgent());
      await until(() => waiting.length === 1);
      drain.begin(server, 50);
      await expect(hung).rejects.toThrow(/socket hang up|ECONNRESET/);
    });
  });
});
