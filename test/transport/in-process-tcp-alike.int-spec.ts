// The same handlers behind the in-process transport and behind TCP, called alike: what one
// transport delivers or refuses, the other does too — for responses nested too deep, errors too
// large to send, and a request object the caller changes right after sending it.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MessageHandler } from '@nestjs/microservices';
import { freePort } from '@seam/testing';
import {
  CallContext,
  ConflictError,
  InProcessBus,
  InProcessClient,
  InProcessServer,
  SeamTcpClient,
  SeamTcpServer,
  type SeamTransportClient,
} from '@seam/transport';

const MAX_BYTES = 64 * 1024;

/** An array holding an array … `levels` deep. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

const handlers: Record<string, (data: { levels?: number; ms?: number }) => Promise<unknown>> = {
  'probe.echo': async (data) => data,
  'probe.deep': async ({ levels = 1 }) => nested(levels),
  'probe.big-error': async () => {
    throw new ConflictError('too big to send', { blob: 'x'.repeat(2 * MAX_BYTES) });
  },
  'probe.slow': async ({ ms = 0 }) => new Promise((resolve) => setTimeout(() => resolve({ slept: ms }), ms)),
};

function register(server: InProcessServer | SeamTcpServer): void {
  for (const [pattern, handle] of Object.entries(handlers)) {
    server.addHandler(pattern, handle as unknown as MessageHandler, false, {
      seam: { kind: 'request', owner: 'probe', access: { callers: ['*'] } },
    });
  }
}

interface Outcome {
  error?: { code?: string; details?: Record<string, unknown> };
  response?: unknown;
}

function call(client: SeamTransportClient, pattern: string, data: unknown): Promise<Outcome> {
  const budget = 10_000;
  return new Promise((resolve) =>
    client.request(
      {
        pattern,
        data,
        metadata: CallContext.outgoing(undefined, 'alike-test', budget),
        module: 'probe',
        deadline: performance.now() + budget,
      } as never,
      (error, response) => resolve(error === undefined ? { response } : { error: error as Outcome['error'] }),
    ),
  );
}

describe('in process and over TCP, alike', () => {
  let inProcessServer: InProcessServer;
  let tcpServer: SeamTcpServer;
  const clients: Record<string, SeamTransportClient> = {};

  beforeAll(async () => {
    const bus = new InProcessBus();
    inProcessServer = new InProcessServer({ hosted: ['probe'], bus, maxMessageBytes: MAX_BYTES });
    register(inProcessServer);
    await new Promise<void>((ready, failed) => inProcessServer.listen((error) => (error ? failed(error) : ready())));
    const port = await freePort();
    tcpServer = new SeamTcpServer({ hosted: ['probe'], host: '127.0.0.1', port, maxMessageBytes: MAX_BYTES });
    register(tcpServer);
    await new Promise<void>((ready, failed) =>
      tcpServer.listen((error?: unknown) => (error ? failed(error) : ready())),
    );
    clients['in-process'] = new InProcessClient({ bus, maxMessageBytes: MAX_BYTES });
    clients.tcp = new SeamTcpClient({ host: '127.0.0.1', port, maxMessageBytes: MAX_BYTES });
  });

  afterAll(async () => {
    await clients.tcp?.close();
    await tcpServer?.close();
    inProcessServer?.close();
  });

  it.each(['in-process', 'tcp'])(
    '%s: sends what the caller passed, not what it made of the object after the call',
    async (name) => {
      const request = { id: 0 };
      const calls: Array<Promise<Outcome>> = [];
      for (let id = 1; id <= 3; id++) {
        request.id = id;
        calls.push(call(clients[name]!, 'probe.echo', request));
      }
      expect((await Promise.all(calls)).map(({ response }) => response)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    },
  );

  it.each(['in-process', 'tcp'])(
    '%s: answers a response nested deeper than a message may be as an internal error, and keeps serving',
    async (name) => {
      // 6,000 levels: past the message limit, and past what V8's JSON.stringify itself survives.
      for (const levels of [300, 6_000]) {
        const { error } = await call(clients[name]!, 'probe.deep', { levels });
        expect(error).toMatchObject({ code: 'INTERNAL', details: { reason: 'response-not-sendable' } });
      }
      expect((await call(clients[name]!, 'probe.deep', { levels: 3 })).response).toEqual([[[1]]]);
    },
  );

  it.each(['in-process', 'tcp'])(
    '%s: answers an error too large to send as an internal error, failing no other call',
    async (name) => {
      const slow = call(clients[name]!, 'probe.slow', { ms: 300 });
      const { error } = await call(clients[name]!, 'probe.big-error', {});
      expect(error).toMatchObject({ code: 'INTERNAL', details: { reason: 'error-not-sendable' } });
      expect((await slow).response).toEqual({ slept: 300 });
    },
  );
});
