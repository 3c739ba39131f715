import { createConnection, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { eventually } from '@seam/testing';
import { ANY_CALLER } from '../contracts/contract.types.js';
import { CallContext } from '../context/call-context.js';
import { resolveOptions } from '../module/resolve-options.js';
import type { SeamTransportOptions } from '../module/seam-options.js';
import { InProcessBus } from '../transports/in-process/in-process.bus.js';
import { InProcessClient } from '../transports/in-process/in-process.client.js';
import { InProcessServer } from '../transports/in-process/in-process.server.js';
import { RedisStreamsClient } from '../transports/redis/redis-streams.client.js';
import { SeamRedisPubSubClient } from '../transports/redis/redis-pubsub.client.js';
import { SeamTcpClient } from '../transports/tcp/seam-tcp.client.js';
import type { OutgoingPacket } from '../transports/transport-client.js';
import { TransportRouter } from './transport-router.js';

/** A local TCP server that accepts connections, never answers and records the peers' ports. */
interface SilentServer {
  port: number;
  peers: number[];
  close(): Promise<void>;
}

function silentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const peers: number[] = [];
  const server = createServer((socket) => {
    peers.push(socket.remotePort!);
    sockets.add(socket);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        peers,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      }),
    ),
  );
}

/** Connects to `port` and returns the local port of the connection once it is up. */
function sentinel(port: number): Promise<{ localPort: number; end(): void }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () =>
      resolve({ localPort: socket.localPort!, end: () => socket.destroy() }),
    );
    socket.on('error', reject);
  });
}

function packet(pattern: string): OutgoingPacket {
  return { pattern, data: {}, metadata: CallContext.outgoing(undefined, 'tester', 1_000) };
}

/** An event any module may take: routed to every endpoint (see event-targets.spec.ts for the others). */
const toEveryone = { pattern: 'orders.order.placed', subscribers: [ANY_CALLER] };

describe('TransportRouter', () => {
  const routers: TransportRouter[] = [];
  const router = (options: SeamTransportOptions) => {
    const created = new TransportRouter(resolveOptions(options));
    routers.push(created);
    return created;
  };

  afterEach(async () => {
    await Promise.all(routers.splice(0).map((created) => created.close()));
  });

  describe('clientFor', () => {
    const options: SeamTransportOptions = {
      hosted: ['orders', 'catalog'],
      endpoints: {
        orders: { transport: 'tcp', host: '127.0.0.1', port: 4001 },
        catalog: { transport: 'redis', url: 'redis://broker:6379' },
        payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
        shipping: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
        inventory: { transport: 'redis', url: 'redis://broker:6379' },
        stock: { transport: 'redis', url: 'redis://broker:6379', mode: 'pubsub' },
      },
    };

    it('reaches hosted modules in-process, even when they have an endpoint for other processes', () => {
      const subject = router(options);
      expect(subject.clientFor('orders')).toBeInstanceOf(InProcessClient);
      expect(subject.clientFor('catalog')).toBeInstanceOf(InProcessClient);
    });

    it('reaches modules that neither run here nor have an endpoint in-process', () => {
      expect(router(options).clientFor('greeter')).toBeInstanceOf(InProcessClient);
    });

    it('reaches other modules through their endpoint', () => {
      const subject = router(options);
      expect(subject.clientFor('payments')).toBeInstanceOf(SeamTcpClient);
      expect(subject.clientFor('payments').endpoint).toBe('tcp://10.0.0.1:4010');
      expect(subject.clientFor('inventory')).toBeInstanceOf(RedisStreamsClient);
      expect(subject.clientFor('inventory').endpoint).toBe('redis-streams+redis://broker:6379');
      expect(subject.clientFor('stock')).toBeInstanceOf(SeamRedisPubSubClient);
      expect(subject.clientFor('stock').endpoint).toBe('redis-pubsub+redis://broker:6379');
    });

    it('gives modules sharing an endpoint one client, and different endpoints different clients', () => {
      const subject = router(options);
      expect(subject.clientFor('shipping')).toBe(subject.clientFor('payments'));
      expect(subject.clientFor('greeter')).toBe(subject.clientFor('orders'));
      expect(subject.clientFor('inventory')).not.toBe(subject.clientFor('stock'));
      expect(subject.clientFor('payments')).not.toBe(subject.clientFor('inventory'));
    });

    it('creates TCP and Redis clients without connecting them', async () => {
      const servers = await Promise.all([silentServer(), silentServer(), silentServer()]);
      try {
        const [tcp, streams, pubsub] = servers as [SilentServer, SilentServer, SilentServer];
        const subject = router({
          hosted: [],
          endpoints: {
            payments: { transport: 'tcp', host: '127.0.0.1', port: tcp.port },
            inventory: { transport: 'redis', url: `redis://127.0.0.1:${streams.port}` },
            stock: { transport: 'redis', url: `redis://127.0.0.1:${pubsub.port}`, mode: 'pubsub' },
          },
        });
        for (const module of ['payments', 'inventory', 'stock']) subject.clientFor(module);
        expect(subject.eventTargets(toEveryone)).toHaveLength(4);
        expect(subject.pendingCount()).toBe(0);
        for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
        // A connection the clients had started would be accepted before this one.
        for (const server of servers) {
          const probe = await sentinel(server.port);
          await eventually(() => expect(server.peers).toContain(probe.localPort));
          expect(server.peers).toEqual([probe.localPort]);
          probe.end();
        }
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });
  });

  describe('pendingCount', () => {
    it('is 0 at rest', () => {
      const subject = router({
        hosted: ['orders'],
        endpoints: { payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 } },
      });
      expect(subject.pendingCount()).toBe(0);
      subject.clientFor('payments');
      subject.eventTargets(toEveryone);
      expect(subject.pendingCount()).toBe(0);
    });

    it('counts an in-process call until it is answered', async () => {
      const bus = new InProcessBus();
      const server = new InProcessServer({ hosted: ['greeter'], bus });
      server.listen(() => undefined);
      try {
        const subject = router({ hosted: ['greeter'], bus });
        const answered = new Promise<unknown>((resolve) =>
          subject.clientFor('greeter').request(packet('greeter.say-hello'), resolve),
        );
        expect(subject.pendingCount()).toBe(1);
        await answered;
        expect(subject.pendingCount()).toBe(0);
      } finally {
        server.close();
      }
    });

    it('counts a TCP call the callee leaves unanswered until it is torn down', async () => {
      const callee = await silentServer();
      try {
        const subject = router({
          hosted: [],
          endpoints: { payments: { transport: 'tcp', host: '127.0.0.1', port: callee.port } },
        });
        const teardown = subject.clientFor('payments').request(packet('payments.capture-payment'), () => undefined);
        await eventually(() => expect(subject.pendingCount()).toBe(1));
        teardown();
        expect(subject.pendingCount()).toBe(0);
      } finally {
        await callee.close();
      }
    });
  });

  describe('close', () => {
    it('closes every client it created, once', async () => {
      const subject = router({
        hosted: [],
        endpoints: {
          payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 },
          inventory: { transport: 'redis', url: 'redis://broker:6379' },
          stock: { transport: 'redis', url: 'redis://broker:6379', mode: 'pubsub' },
        },
      });
      const clients = [
        ...new Set([...subject.eventTargets(toEveryone), subject.clientFor('orders'), subject.clientFor('payments')]),
      ];
      expect(clients).toHaveLength(4);
      const closes = clients.map((client) => jest.spyOn(client, 'close'));
      await subject.close();
      for (const close of closes) expect(close).toHaveBeenCalledTimes(1);
    });

    it('forgets closed clients: the next call gets a new one', async () => {
      const subject = router({
        hosted: [],
        endpoints: { payments: { transport: 'tcp', host: '10.0.0.1', port: 4010 } },
      });
      const before = subject.clientFor('payments');
      const targetsBefore = subject.eventTargets(toEveryone);
      await subject.close();
      expect(subject.clientFor('payments')).not.toBe(before);
      expect(subject.eventTargets(toEveryone)).not.toContain(before);
      expect(subject.eventTargets(toEveryone)).not.toContain(targetsBefore[0]);
      expect(subject.pendingCount()).toBe(0);
    });
  });

  describe('defaultDeadlineMs', () => {
    it('is the configured deadline', () => {
      expect(router({ hosted: [], deadlineMs: 1_234 }).defaultDeadlineMs).toBe(1_234);
      expect(router({ hosted: [] }).defaultDeadlineMs).toBe(5_000);
    });
  });

  describe('propagation', () => {
    it('is the configured propagation', () => {
      expect(router({ hosted: [], propagation: false }).propagation).toBe(false);
      expect(router({ hosted: [] }).propagation).toBe(true);
    });
  });
});
